"""The queue's cells escape as the template language does (tickets/templatetags/queue_tags.py
builds the rows in Python: issue 19)."""

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from tickets.queue_columns import columns_for
from tickets.templatetags.queue_tags import TicketRows, _text


@pytest.mark.parametrize("value", [
    "", "打印机卡纸", "<script>alert('x')</script>", 'a & b "c" \'d\' <e>', "&amp; already",
    0, 3, 12.5, mark_safe("<b>safe</b>"), gettext_lazy("Status"),
])
def test_a_cell_is_the_text_conditional_escape_makes(value):
    assert _text(value) == str(conditional_escape(value))


def test_none_is_an_empty_cell():
    assert _text(None) == ""


def test_choice_labels_are_escaped_once_per_table_in_the_active_language():
    with override("zh-hans"):
        rows = TicketRows(columns_for(None), selectable=False)
        assert rows._choice("status", "submitted") == str(conditional_escape(
            dict(rows.choices["status"])["submitted"]))
        assert rows._choice("status", "submitted") != "Submitted"
    with override("en"):
        assert TicketRows(columns_for(None), selectable=False)._choice(
            "status", "submitted") == "Submitted"
    # A value no choice names is shown as stored, escaped.
    assert rows._choice("status", "<odd>") == "&lt;odd&gt;"


@pytest.mark.parametrize("minutes", [-3000, -5, 10, 29, 31, 600, 5000])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_sla_badge_is_what_format_html_made(minutes, language):
    """sla_badge builds its span without format_html (once per row of the queue): the same
    characters as format_html of the class, the local due time and the translated text."""
    from datetime import timedelta

    from django.utils.html import format_html
    from django.utils.timezone import localtime

    from core.clock import now
    from tickets.templatetags.sla_tags import _duration, sla_badge

    moment = now()
    due = moment + timedelta(minutes=minutes)
    with override(language):
        left = (due - moment).total_seconds()
        text = (gettext_lazy("overdue %(t)s") if left < 0 else gettext_lazy("%(t)s left")) % {
            "t": _duration(left)}
        css = ("text-bg-danger" if left < 0 else "text-bg-warning" if left < 1800
               else "text-bg-success")
        expected = format_html('<span class="badge {}" title="{}" data-testid="sla-badge">{}'
                               '</span>', css, localtime(due).strftime("%Y-%m-%d %H:%M"), text)
        assert sla_badge(due, True, moment) == expected
    assert sla_badge(due, False, moment) == sla_badge(None, True) == (
        '<span class="text-muted">—</span>')


# The column chooser's former template loop (templates/tickets/queue.html before issue 19's
# sixth pass), kept to compare the tag's markup with.
FORMER_CHOOSER = """{% load i18n %}{% for col, shown in column_choices %}
        <li class="d-flex align-items-center gap-1 py-1" data-column-item>
          {% if col.key == "number" %}<input type="hidden" name="columns" value="number"><input class="form-check-input" type="checkbox" id="id_column_{{ col.key }}" checked disabled>
          {% else %}<input class="form-check-input" type="checkbox" name="columns" value="{{ col.key }}" id="id_column_{{ col.key }}"{% if shown %} checked{% endif %} data-testid="column-{{ col.key }}">{% endif %}
          <label class="form-check-label flex-grow-1" for="id_column_{{ col.key }}">{{ col.label }}</label>
          <button type="button" class="btn btn-sm btn-outline-secondary py-0" data-column-move="up" aria-label="{% blocktranslate with name=col.label %}Move {{ name }} up{% endblocktranslate %}" hidden>↑</button>
          <button type="button" class="btn btn-sm btn-outline-secondary py-0" data-column-move="down" aria-label="{% blocktranslate with name=col.label %}Move {{ name }} down{% endblocktranslate %}" hidden>↓</button>
        </li>
        {% endfor %}"""  # noqa: E501 - the template's lines as they were


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("chosen", [[], ["title", "status", "channel"], ["site", "number"]])
def test_the_column_chooser_is_the_former_loop(language, chosen):
    import re

    from django.template import Context, Template

    from tickets.queue_columns import column_choices
    from tickets.templatetags.queue_tags import column_chooser_items

    def squeezed(html):
        return re.sub(r">\s+<", "><", str(html)).strip()

    with override(language):
        choices = column_choices(chosen)
        former = Template(FORMER_CHOOSER).render(Context({"column_choices": choices}))
        assert squeezed(column_chooser_items(choices)) == squeezed(former)
        assert ("上移" if language == "zh-hans" else "Move") in column_chooser_items(choices)


def test_the_workload_rows_are_the_former_loop():
    """{% workload_rows %} makes what the template loop made, names escaped."""
    from django.template import Context, Template

    from tickets.templatetags.queue_tags import workload_rows

    workload = [{"name": "张三", "open": 0}, {"name": '<b>"李四"</b> & 王五', "open": 12},
                {"name": "engineer2", "open": 3}]
    former = Template('{% for row in workload %}<tr><td>{{ row.name }}</td>'
                      '<td class="text-end">{{ row.open }}</td></tr>{% endfor %}')
    assert workload_rows(workload) == former.render(Context({"workload": workload}))
    assert workload_rows([]) == ""
