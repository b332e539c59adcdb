"""One history manager class per model with history, made once (issue 19).

django-simple-history's ``HistoryDescriptor`` (``Ticket.history``, ``ticket.history``) makes a
new manager class on every access (``HistoryManager.from_queryset(HistoricalQuerySet)``, which
walks the queryset class with ``inspect.getmembers``), and simple-history itself reads it for
every historical record it writes, only to learn the historical model. That was a third of the
0.7 ms of CPU a ticket's history row cost, on every filing and every transition. The descriptor
below makes the class on first use and then only instantiates it; the managers are the same.
``install`` puts it on every model with history once the apps are loaded (core.apps).
"""

from __future__ import annotations

from django.apps import apps
from simple_history.manager import HistoryDescriptor


class HistoryDescriptorOnce(HistoryDescriptor):
    def __get__(self, instance, owner):
        manager_class = self.__dict__.get("_manager_class")
        if manager_class is None:
            manager_class = self._manager_class = self.manager_class.from_queryset(
                self.queryset_class)
        return manager_class(self.model, instance)


def install() -> list[type]:
    """Replace simple-history's descriptor on every model with history; the models changed."""
    changed = []
    for model in apps.get_models():
        name = getattr(model._meta, "simple_history_manager_attribute", None)
        descriptor = model.__dict__.get(name) if name else None
        if type(descriptor) is HistoryDescriptor:
            setattr(model, name, HistoryDescriptorOnce(
                descriptor.model, manager=descriptor.manager_class,
                queryset=descriptor.queryset_class))
            changed.append(model)
    return changed
