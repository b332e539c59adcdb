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
