"""The ticket table's columns (tickets/queue_columns.py) for templates/tickets/_table.html."""

from django import template

from tickets.queue_columns import columns_for

register = template.Library()


@register.simple_tag
def table_columns(columns=None):
    """The columns to render: a list of Column given by the view (the queue's choice), else the
    defaults (my tickets, the home pages)."""
    if columns and not isinstance(columns[0], str):
        return columns
    return columns_for(columns or None)
