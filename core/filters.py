"""Filter parts the apps' FilterSets share (each app's filters.py)."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.db.models import QuerySet


class Flag(forms.CheckboxInput):
    """A checkbox that also reads the API's spellings: on/1/true/yes, and 0/false/no/off."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"on", "1", "true", "yes"}
        return bool(value)


class _FiltersCopiedPerFilter(dict):
    """A FilterSet class's filters (its ``base_filters``), which django-filter deep-copies for
    every FilterSet it makes: for the ticket list's 15 filters, 680 deepcopy calls, 0.3-0.5 ms
    of a 9 ms API list and of the queue page, once more per saved view counted (issue 19).

    A filter's own state is a few scalars (names, lookup, label), its form-field arguments
    (``extra``, which ModelChoiceFilter rewrites with the request's queryset), a model choice
    filter's queryset, and its bound method filter (``FilterMethod``, which reads the FilterSet
    through the filter's ``parent``). So a copy is the filter object copied, with its own
    ``extra``, a fresh queryset and its method bound to the copy; a form field the filter had
    cached is left for the copy to build (no form field is shared between FilterSets).
    Everything else is the same as django-filter's deep copy."""

    def __deepcopy__(self, memo):
        return {name: _filter_copy(one) for name, one in self.items()}


def _filter_copy(original):
    clone = copy.copy(original)
    clone.extra = dict(original.extra)
    clone.__dict__.pop("_field", None)
    if isinstance(original.__dict__.get("queryset"), QuerySet):  # ModelChoiceFilter's choices
        clone.queryset = original.queryset.all()  # unevaluated, as a deep copy makes it
    if original.method is not None:
        clone.method = original.method  # a FilterMethod bound to the copy, not the original
    return clone


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with cheap copies of its filters per instance
    (_FiltersCopiedPerFilter). The apps' FilterSets derive from it."""

    @classmethod
    def get_filters(cls):
        return _FiltersCopiedPerFilter(super().get_filters())
