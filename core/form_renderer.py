"""The form renderer (settings.FORM_RENDERER): Django's, with the markup of its most used widget
templates built in Python.

Django renders each widget through its templates: input.html includes attrs.html, select.html
includes select_option.html once per option, which includes attrs.html again. Those includes
were a third of the queue page's form rendering, and a select of 90 engineers cost 6 ms of
template rendering (issue 19). Here the templates below give the same characters (tests/core/
test_form_renderer.py compares the two on every widget they serve, with values, attributes,
choices and groups that need escaping); any other template, and any of these overridden by an
app's templates directory, is rendered by Django's templates as before.

Hand-written rather than a library: no maintained package does this for Django's own renderer
(docs/adr/0008-form-renderer.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString, mark_safe

from core.escaping import escape_text

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"
# The templates that are input.html and nothing else.
INPUT_TEMPLATES = [f"{WIDGETS}{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
    "tel", "search", "color", "checkbox", "file")]
DJANGO_TEMPLATES = Path(django.forms.__file__).parent / "templates"


def _format(value) -> str:
    """{{ value|stringformat:'s' }}: "%s" % value, "" when that fails, escaped unless safe."""
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting, for tuples too
    except (TypeError, ValueError):
        return ""
    return escape_text(text)


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {escape_text(name)}" if value is True
        else f' {escape_text(name)}="{_format(value)}"'
        for name, value in attrs.items() if value is not False)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_format(value)}"' if value is not None else ""
    return (f'<input type="{escape_text(widget["type"])}" '
            f'name="{escape_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>')


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (f'<textarea name="{escape_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{escape_text(value) if value else ""}</textarea>')


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{escape_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape_text(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None  # a widget with its own option markup: Django renders it
            parts.append(f'\n  <option value="{_format(option["value"])}"'
                         f'{_attrs(option["attrs"])}>{escape_text(option["label"])}'
                         f"</option>\n")  # select_option.html's last line break
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the file's last line break
    return "".join(parts)


BUILDERS: dict[str, Callable[[dict], str | None]] = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates, with the widget templates of BUILDERS built in Python while they are
    Django's own (an app overriding one gets its template rendered)."""

    @cached_property
    def _built(self) -> frozenset[str]:
        return frozenset(name for name in BUILDERS if self._is_djangos(name))

    def _is_djangos(self, template_name: str) -> bool:
        origin = Path(self.get_template(template_name).origin.name)
        return origin.is_relative_to(DJANGO_TEMPLATES)

    def render(self, template_name, context, request=None) -> SafeString | str:
        if template_name in self._built:
            markup = BUILDERS[template_name](context["widget"])
            if markup is not None:
                return mark_safe(markup)  # noqa: S308 - every value escaped above
        return super().render(template_name, context, request=request)
