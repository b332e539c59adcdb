"""Filter parts the apps' FilterSets share (each app's filters.py)."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.fields import ChoiceIterator


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


class _FormFieldsCopiedWithoutChoices(dict):
    """A filter form class's fields (its ``base_fields``), which every form deep-copies when it
    is made. Django's copy of a choice field deep-copies its choices too: each (value, label)
    pair and each lazily translated label rebuilt through copy's generic reconstruction, ~200
    deepcopy calls for the ticket list's six choice fields, 0.15 ms of a 3 ms API list
    (issue 19).

    The pairs are tuples of a value and a label, neither of which anything changes, so the copy
    here is Django's own but for them: each field, its widget, the widget's attributes, error
    messages and validators are the form's own as before, and so is the list of choices (a new
    list of the same pairs). django-filter's choice iterator knows its field (for the empty
    and null labels), so the copy gets an iterator of its own that knows the copy, over the
    same pairs (Django's ChoiceField replaces them through its setter, never in place). A model
    choice field keeps Django's copy (its queryset is the form's own)."""

    def __deepcopy__(self, memo):
        return {name: _form_field_copy(field, memo) for name, field in self.items()}


def _form_field_copy(field, memo):
    choices = field.__dict__.get("_choices")
    if choices is None or isinstance(field, forms.ModelChoiceField):
        return copy.deepcopy(field, memo)
    clone = forms.Field.__deepcopy__(field, memo)  # Django's copy, bar ChoiceField's own step
    if isinstance(choices, ChoiceIterator):
        choices = copy.copy(choices)
        choices.field = clone
    elif isinstance(choices, list):
        choices = list(choices)  # the same pairs, in a list of the copy's own
    clone._choices = choices
    return clone


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with cheap copies of its filters per instance
    (_FiltersCopiedPerFilter) and of its form's fields per form
    (_FormFieldsCopiedWithoutChoices). The apps' FilterSets derive from it."""

    @classmethod
    def get_filters(cls):
        return _FiltersCopiedPerFilter(super().get_filters())

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _FormFieldsCopiedWithoutChoices(form_class.base_fields)
        return form_class
