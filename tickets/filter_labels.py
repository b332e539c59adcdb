"""The queue's active filters in words, for an empty list that says why it is empty ("no tickets
match 状态=已解决 · 清除筛选", issue 15 point 13)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tickets.models import Priority, ServiceType, Status
from tickets.selectors import QueueFilters


def queue_filter_labels(filters: QueueFilters) -> list[tuple[str, str]]:
    """(field label, value label) for each filter narrowing the queue beyond its view tab."""
    labels = []
    if filters.contract:
        labels.append((_("Contract"), filters.contract))
    if filters.service_type:
        service_type = ServiceType.objects.filter(code=filters.service_type).first()
        labels.append((_("Service type"),
                       service_type.label if service_type else filters.service_type))
    if filters.priority is not None:
        labels.append((_("Priority"), str(dict(Priority.choices).get(filters.priority,
                                                                     filters.priority))))
    if filters.status:
        labels.append((_("Status"), str(dict(Status.choices).get(filters.status,
                                                                 filters.status))))
    if filters.q:
        labels.append((_("Search"), filters.q))
    return labels
