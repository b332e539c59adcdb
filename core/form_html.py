"""A form field's HTML (templates/includes/field.html) rendered once per process for the same
inputs, for pages that show many unbound forms (the ticket page's action forms, issue 19).

Rendering a widget goes through Django's form templates: a select with its options is several
template renders, and the ticket page shows about sixteen fields, most of the page's template
time. The HTML of a field of an *unbound* form is a function of what the key below holds (the
form and field classes, ids, label, help text, widget attributes, initial value, choices and
the language), so it is kept in a small process-wide table and rendered again only when one of
those changes. A bound form (submitted values, errors) is always rendered afresh.

A form whose field HTML depends on anything else (a widget reading the request, per-instance
widget templates) must not be rendered through here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.forms import offer

TEMPLATE = "includes/field.html"
SIZE = 512  # fields × choice lists × languages; each entry is a few hundred bytes to a few KB

_rendered: OrderedDict[tuple, SafeString] = OrderedDict()
_lock = threading.Lock()


def field_html(field: forms.BoundField) -> SafeString:
    if field.form.is_bound:
        return _render(field)
    key = _key(field)
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = _render(field)
    with _lock:
        _rendered[key] = html
        while len(_rendered) > SIZE:
            _rendered.popitem(last=False)
    return html


def _render(field: forms.BoundField) -> SafeString:
    return mark_safe(render_to_string(TEMPLATE, {"field": field}))  # noqa: S308 - template output


def _key(field: forms.BoundField) -> tuple:
    form, definition = field.form, field.field
    widget = definition.widget
    return (type(form).__module__, type(form).__qualname__, form.auto_id, form.prefix,
            field.name, type(definition).__qualname__, type(widget).__qualname__,
            get_language(), str(definition.label), str(definition.help_text),
            definition.required, definition.disabled, _frozen(widget.attrs),
            repr(field.initial), _choices(definition))


def _choices(definition: forms.Field) -> tuple | None:
    """The options as (value, label) text; a model choice field's are read with one ordinary
    query (not Django's server-side cursor) and kept on the field, so a render after a miss
    does not read them again."""
    if isinstance(definition, forms.ModelChoiceField):
        if not hasattr(definition, "_choices"):  # not offered from rows read already
            offer(definition, definition.queryset)
    elif not hasattr(definition, "choices"):
        return None
    return tuple(_flat(definition.choices))


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):  # an option group
            yield str(value), tuple(_flat(label))
        else:
            yield str(value), str(label)


def _frozen(attrs: dict) -> tuple:
    return tuple(sorted((name, str(value)) for name, value in attrs.items()))
