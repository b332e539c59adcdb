"""How SLA deadlines look in lists and on a ticket: colour and time left."""

from __future__ import annotations

import html

from django import template
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.clock import now

register = template.Library()


def _duration(seconds: int) -> str:
    minutes = abs(int(seconds)) // 60
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(d)d d %(h)d h") % {"d": hours // 24, "h": hours % 24}


def sla_badge(due, is_open: bool, moment=None) -> str:
    """The queue's colour and time left for a ticket's next deadline (wall-clock time), from
    the ticket's sla_due_at and whether it is open, as of ``moment`` (now by default): the
    ticket table renders it for every row from values() rows, with one moment for the table
    (tickets/templatetags/queue_tags.py). Built as format_html would, without its per-call
    wrappers: the class and title are ours, the text is escaped."""
    if due is None or not is_open:
        return '<span class="text-muted">—</span>'
    left = (due - (moment or now())).total_seconds()
    if left < 0:
        css, text = "text-bg-danger", _("overdue %(t)s") % {"t": _duration(left)}
    else:
        css = "text-bg-warning" if left < 30 * 60 else "text-bg-success"
        text = _("%(t)s left") % {"t": _duration(left)}
    due = localtime(due)
    return (f'<span class="badge {css}" title="{due.year:04d}-{due.month:02d}-{due.day:02d} '
            f'{due.hour:02d}:{due.minute:02d}" data-testid="sla-badge">{html.escape(text)}</span>')


@register.simple_tag
def business_duration(seconds) -> str:
    # "23 小时 41 分钟" stays on one line (a narrow cell would break it between 小 and 时).
    return format_html('<span class="text-nowrap">{}</span>', _duration(seconds or 0))


@register.simple_tag
def business_time_left(seconds) -> str:
    """剩余 23 小时 41 分钟 / 23 h 41 min left: the word order is the language's."""
    return format_html('<span class="text-nowrap">{}</span>',
                       _("%(t)s left") % {"t": _duration(seconds or 0)})
