"""{% field_html field %}: includes/field.html for one field, unbound forms' fields rendered
once per process for the same inputs (core/form_html.py)."""

from __future__ import annotations

from django import template

from core.form_html import field_html as _field_html

register = template.Library()


@register.simple_tag
def field_html(field):
    return _field_html(field)
