"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare name for True, nothing for
    False (its stringformat:'s' is str())."""
    return "".join(
        f" {conditional_escape(name)}" if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False)


class FastSelect(forms.Select):
    """forms.Select whose markup is built in Python: the same characters as Django's
    select.html, select_option.html and attrs.html, without a template include per option
    and per attribute (the queue's bulk bar lists every engineer of the desk's contracts:
    90 options cost 6 ms of template rendering per page; issue 19). A subclass or a project
    template that changes those templates gets Django's rendering."""

    def _render(self, template_name, context, renderer=None) -> SafeString:
        if template_name != SELECT_TEMPLATE or self.option_template_name != OPTION_TEMPLATE:
            return super()._render(template_name, context, renderer)
        widget = context["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                             f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}'
                             f"</option>\n")
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the file's last newline
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
