"""Form helpers shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils.choices import BaseChoiceIterator

from core.errors import ActionRefused


class BootstrapForm(forms.Form):
    """Gives every widget Bootstrap's classes so templates can render fields generically."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # A choice list of radio buttons or check boxes: pages render each input (.tag) in
            # a form-check; as form-control the call form's outcomes showed as empty boxes.
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def offer(field: forms.ModelChoiceField, rows) -> None:
    """Give a model choice field its options from rows already read (one query for several
    forms offering the same people); its queryset still validates what is posted."""
    iterator = field.iterator(field)
    options = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = options + [iterator.choice(obj) for obj in rows]


class _QuerysetLater:
    """ModelChoiceField's queryset, built by a function the first time something reads it."""

    def _get_queryset(self):
        make = self.__dict__.pop("_make_queryset", None)
        if make is not None:
            forms.ModelChoiceField._set_queryset(self, make())
        return self._queryset

    def _set_queryset(self, queryset):
        self.__dict__.pop("_make_queryset", None)  # a queryset set now wins over a pending one
        forms.ModelChoiceField._set_queryset(self, queryset)

    queryset = property(_get_queryset, _set_queryset)


class _ChoicesLater(BaseChoiceIterator):
    """The widget's options of such a field: its own choice iterator, made when iterated (a
    ModelChoiceIterator reads the field's queryset as soon as it is made)."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        return iter(self.field.iterator(self.field))

    def __len__(self):
        return len(self.field.iterator(self.field))


_LATER_CLASSES: dict[type, type] = {}


def offer_later(field: forms.ModelChoiceField, make) -> None:
    """Give a model choice field the queryset ``make()`` builds, built only when something
    reads it: cleaning a posted value (an empty one is not looked up) or rendering the options.
    A filing form posted with its optional relations left empty builds none of their querysets
    (issue 19: the portal's form built four per POST for one lookup)."""
    cls = type(field)
    if not issubclass(cls, _QuerysetLater):
        later = _LATER_CLASSES.get(cls)
        if later is None:
            later = _LATER_CLASSES[cls] = type(f"{cls.__name__}Later", (_QuerysetLater, cls), {})
        field.__class__ = later
    field._make_queryset = make
    field.widget.choices = _ChoicesLater(field)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def add_service_error(form: forms.BaseForm, exc: ActionRefused,
                      field_names: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form that sent the input: the page side of the one
    error path (the API's is core/api.py).

    Messages about a field the form has go under that field (``field_names`` maps a service's
    argument name to the form's field name where they differ); the rest, and a refusal about no
    field, go on top of the form."""
    field_names = field_names or {}
    errors = exc.errors or {None: [exc.message]}
    for name, messages in errors.items():
        target = field_names.get(name, name)
        if target not in form.fields:
            target = None
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(target, str(message))

