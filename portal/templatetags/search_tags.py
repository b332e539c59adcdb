"""Search result rendering: the matched term marked in escaped text."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

KIND_LABELS = {
    "ticket": _("Tickets"),
    "asset": _("Assets"),
    "complaint": _("Complaints"),
    "person": pgettext_lazy("search", "People"),
    "article": _("Articles"),
}


@register.filter
def highlight(text, term):
    """``text`` escaped, then each occurrence of ``term`` (case-insensitive, literal) wrapped in
    <mark>. Both are escaped before they meet, so neither can inject markup."""
    text, term = escape(text or ""), escape(term or "")
    if not term:
        return mark_safe(text)  # noqa: S308 - escaped above
    marked = re.sub(re.escape(term), lambda m: f"<mark>{m.group(0)}</mark>", text,
                    flags=re.IGNORECASE)
    return mark_safe(marked)  # noqa: S308 - only escaped text and our <mark> tags


@register.filter
def kind_label(kind):
    return KIND_LABELS.get(kind, kind)
