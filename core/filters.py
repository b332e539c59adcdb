"""Filter parts the apps' FilterSets share (each app's filters.py)."""

from __future__ import annotations

from django import forms


class Flag(forms.CheckboxInput):
    """A checkbox that also reads the API's spellings: on/1/true/yes, and 0/false/no/off."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"on", "1", "true", "yes"}
        return bool(value)
