"""The menu bar of base.html, built in Python: the same markup as the template loop it replaces
(about 25 entries, each with a path comparison, an escaped label and URL), without the template
nodes per entry; a page's menu cost more CPU than a small page's content (issue 19)."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> SafeString:
    """The <li> entries of the menu: ``nav_items`` (portal.context_processors.navigation), the
    entry of the current path marked active."""
    entries = context.get("nav_items") or ()
    if callable(entries):
        entries = entries()
    request = context.get("request")
    path = request.path if request is not None else None
    parts = []
    for item in entries:
        if item.get("children"):
            links = "".join(
                f'<li><a class="dropdown-item{_active(path, child["url"])}" '
                f'href="{conditional_escape(child["url"])}">{conditional_escape(child["label"])}'
                f"</a></li>" for child in item["children"])
            parts.append(
                '<li class="nav-item dropdown">\n'
                '  <a class="nav-link dropdown-toggle" href="#" role="button" '
                'data-bs-toggle="dropdown" aria-expanded="false">'
                f'{conditional_escape(item["label"])}</a>\n'
                f'  <ul class="dropdown-menu">\n    {links}\n  </ul>\n</li>')
        else:
            parts.append(f'<li class="nav-item"><a class="nav-link{_active(path, item["url"])}" '
                         f'href="{conditional_escape(item["url"])}">'
                         f'{conditional_escape(item["label"])}</a></li>')
    return mark_safe("\n".join(parts))  # noqa: S308 - every label and URL escaped above


def _active(path: str | None, url: str) -> str:
    return " active" if path == url else ""
