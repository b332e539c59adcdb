"""A notification's title on the page: escaped, with its ticket and complaint numbers and dates
kept on one line (a browser may break 2026-000123 at its hyphen)."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_TOKENS = re.compile(r"\b(?:[A-Z]{2}-)?\d{4}-\d{6}\b|\b\d{4}-\d{2}-\d{2}\b")


@register.filter
def numbers_nowrap(text) -> str:
    escaped = escape(text or "")  # digits, letters and hyphens pass escaping unchanged
    return mark_safe(_TOKENS.sub(r'<span class="text-nowrap">\g<0></span>', escaped))  # noqa: S308 - escaped above
