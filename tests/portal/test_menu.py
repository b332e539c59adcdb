"""The menu bar (portal.context_processors.navigation, portal/templatetags/menu_tags.py): the
markup of the template loop it replaced, each role's entries, worked out only when a page shows
the menu, and URLs that follow the script prefix."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import set_script_prefix

from portal import context_processors
from portal.context_processors import menu_entries, url_of
from portal.templatetags.menu_tags import main_menu

# The loop base.html had before the menu was built in Python (issue 19).
TEMPLATE_LOOP = Template("""{% for item in nav_items %}
          {% if item.children %}
            <li class="nav-item dropdown">
              <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">{{ item.label }}</a>
              <ul class="dropdown-menu">
                {% for child in item.children %}<li><a class="dropdown-item{% if request.path == child.url %} active{% endif %}" href="{{ child.url }}">{{ child.label }}</a></li>{% endfor %}
              </ul>
            </li>
          {% else %}
            <li class="nav-item"><a class="nav-link{% if request.path == item.url %} active{% endif %}" href="{{ item.url }}">{{ item.label }}</a></li>
          {% endif %}
        {% endfor %}""")  # noqa: E501 - the template as it was, line for line


def _squeezed(html: str) -> str:
    """Markup without the whitespace between tags (a browser ignores it there)."""
    return re.sub(r">\s+<", "><", html.strip())


def _menu(user, path: str) -> tuple[str, str]:
    request = RequestFactory().get(path)
    request.user = user
    items = menu_entries(user)
    old = TEMPLATE_LOOP.render(Context({"nav_items": items, "request": request}))
    new = main_menu(Context({"nav_items": context_processors.MenuEntries(user),
                             "request": request}))
    return old, new


@pytest.mark.parametrize("who", ["user", "client", "desk", "engineer", "pm", "gm", "admin"])
def test_the_menu_is_the_markup_the_template_loop_made(demo, who):
    old, new = _menu(demo[who], "/tickets/queue/")
    assert _squeezed(new) == _squeezed(old)
    assert new.count("<li") == old.count("<li") >= 3


def test_each_role_sees_its_entries_and_the_current_page_is_marked(demo):
    _old, desk = _menu(demo["desk"], "/tickets/queue/")
    assert '<a class="nav-link active" href="/tickets/queue/">' in desk
    assert 'href="/admin/"' not in desk
    _old, user = _menu(demo["user"], "/tickets/mine/")
    assert 'href="/tickets/queue/"' not in user
    assert '<a class="nav-link active" href="/tickets/mine/">' in user
    _old, admin = _menu(demo["admin"], "/")
    assert 'href="/admin/"' in admin


def test_labels_and_urls_are_escaped():
    request = RequestFactory().get("/x/")
    items = [{"label": "<b>A&B</b>", "url": '/x/"><script>', "name": "x"},
             {"label": "Menu", "name": "m", "children": [
                 {"label": "<i>", "url": "/y/?a=1&b=2", "name": "y"}]}]
    html = main_menu(Context({"nav_items": items, "request": request}))
    assert "<b>" not in html and "&lt;b&gt;A&amp;B&lt;/b&gt;" in html
    assert '/x/&quot;&gt;&lt;script&gt;' in html and "<script>" not in html
    assert 'href="/y/?a=1&amp;b=2">&lt;i&gt;</a>' in html


def test_the_menu_is_worked_out_only_for_a_page_that_shows_it(demo, login, monkeypatch):
    calls = []
    original = context_processors.menu_entries
    monkeypatch.setattr(context_processors, "menu_entries",
                        lambda user: calls.append(user.pk) or original(user))
    desk = login(demo["desk"])
    assert desk.get("/tickets/queue/", HTTP_HX_REQUEST="true").status_code == 200
    assert calls == []  # the htmx refresh of the table has no menu
    page = desk.get("/tickets/queue/").content.decode()
    assert calls == [demo["desk"].pk]  # once, though the page reads the entries
    assert 'class="nav-link active" href="/tickets/queue/"' in page


def test_the_menu_urls_follow_the_script_prefix():
    try:
        set_script_prefix("/itsm/")
        assert url_of("tickets:queue") == "/itsm/tickets/queue/"
    finally:
        set_script_prefix("/")
    assert url_of("tickets:queue") == "/tickets/queue/"
