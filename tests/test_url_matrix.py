"""Every URL × every role: who gets in, who is refused (DESIGN: tests walk URL × role).

A new URL must be added to EXPECTED, or test_every_url_is_in_the_matrix fails.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.state import beat_heartbeat_record, heartbeat_record

ROLES = ["anonymous", "admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client",
         "user", "user2"]
ALL = set(ROLES) - {"anonymous"}
STAFF_PEOPLE = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client"}

# path → (roles allowed, status for the others when logged in, status for anonymous)
EXPECTED = {
    "/": (ALL, None, 302),
    "/login/": (set(), 302, 200),  # logged-in people are sent home
    "/accounts/password/reset/": (ALL, None, 200),
    "/accounts/password/reset/sent/": (ALL, None, 200),
    "/accounts/password/reset/done/": (ALL, None, 200),
    "/portal/": ({"user", "user2", "admin"}, 403, 302),
    "/client/": ({"client", "admin"}, 403, 302),
    "/desk/": ({"desk", "admin"}, 403, 302),
    "/engineer/": ({"engineer", "engineer2", "admin"}, 403, 302),
    "/manage/": ({"pm", "delivery", "gm", "admin"}, 403, 302),
    "/system/": ({"admin"}, 403, 302),
    "/people/": (STAFF_PEOPLE, 403, 302),
    "/contracts/": (ALL, None, 302),
    "/contracts/DEMO-DESKTOP/": (ALL, None, 302),
    "/contracts/DEMO-SERVER/": ({"admin", "desk", "engineer2", "pm", "delivery", "gm"}, 404, 302),
    # Probes and the scrape answer everyone (METRICS_TOKEN unset; tests/itsm/test_metrics.py
    # covers the token); ready needs fresh heartbeats, recorded before the walk.
    "/healthz": (set(ROLES), None, 200),
    "/healthz/live": (set(ROLES), None, 200),
    "/healthz/ready": (set(ROLES), None, 200),
    "/metrics": (set(ROLES), None, 200),
    "/favicon.ico": (set(), 301, 301),  # a redirect to the SVG icon, for everyone
    "/api/": (ALL, None, 401),
    "/api/me/": (ALL, None, 401),
    "/api/contracts/": (ALL, None, 401),
    "/api/contracts/DEMO-DESKTOP/": (ALL, None, 401),
    "/api/contracts/DEMO-SERVER/": ({"admin", "desk", "engineer2", "pm", "delivery", "gm"}, 404,
                                    401),
    "/api/people/": (ALL, None, 401),
    # The schema and docs describe every endpoint: for people who can log in (anonymous
    # callers get 401 from the schema, browsers are sent to the login page).
    "/api/schema/": (ALL, None, 401),
    "/api/docs/": (ALL, None, 302),
    "/api/redoc/": (ALL, None, 302),
    "/admin/": ({"admin"}, 302, 302),
    "/tickets/new/": ({"user", "user2", "client", "admin"}, 403, 302),
    "/tickets/log-call/": ({"desk", "pm", "admin"}, 403, 302),
    "/tickets/log-call/callers/": ({"desk", "pm", "admin"}, 403, 302),
    "/tickets/mine/": (ALL, None, 302),
    "/tickets/queue/": (ALL - {"client", "user", "user2"}, 403, 302),
    # {printer}: 吴芳's (user) submitted desktop ticket; {disk}: a server-contract ticket.
    "/tickets/{printer}/": (ALL - {"user2"}, 404, 302),
    "/tickets/{disk}/": ({"admin", "desk", "engineer2", "pm", "delivery", "gm"}, 404, 302),
    "/api/tickets/": (ALL, None, 401),
    "/api/tickets/{printer_id}/": (ALL - {"user2"}, 404, 401),
    "/api/tickets/{printer_id}/comments/": (ALL - {"user2"}, 404, 401),
    "/api/tickets/{printer_id}/attachments/": (ALL - {"user2"}, 404, 401),
    "/api/tickets/{disk_id}/": ({"admin", "desk", "engineer2", "pm", "delivery", "gm"}, 404, 401),
    "/api/catalogue/": (ALL, None, 401),
    "/sla/board/": ({"admin", "desk", "pm", "delivery", "gm", "client"}, 403, 302),
    "/sla/preview/": ({"admin", "desk", "pm", "delivery", "gm", "client"}, 403, 302),
    "/jsi18n/": (set(ROLES), None, 200),
}
# Each area of the asset app keeps its rows next to its tests (tests/assets/matrix_*.py).
AREA_MATRICES = sorted(
    f"tests.{path.parent.name}.{path.stem}"
    for path in Path(__file__).resolve().parent.glob("*/matrix_*.py"))
AREA_POST_ONLY: set[str] = set()
AREA_NO_EXAMPLE: set[str] = set()
for _module in AREA_MATRICES:
    _area = importlib.import_module(_module)
    EXPECTED.update(_area.EXPECTED)
    AREA_POST_ONLY |= getattr(_area, "POST_ONLY", set())
    AREA_NO_EXAMPLE |= getattr(_area, "NO_EXAMPLE", set())
# URL patterns that are not pages to walk with GET (POST-only, parameterised elsewhere).
NOT_WALKED = {"logout/", "i18n/setlang/", "api/auth/token/",
              # a one-time link (tests/accounts/test_password_reset.py walks it)
              "accounts/password/reset/<uidb64>/<token>/"}


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            route = prefix + str(entry.pattern)
            if route.startswith("admin/"):
                continue
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def test_every_url_is_in_the_matrix():
    walked = {path.lstrip("/").split("?")[0] for path in EXPECTED}
    for route in _patterns():
        route = route.replace("^", "").replace("$", "").replace("\\Z", "")
        if route in NOT_WALKED or route in AREA_POST_ONLY or "(?P" in route \
                or "format_suffix" in route:
            continue
        if "<" in route:
            # Parameterised pages: one walked example each, or a POST-only transition URL.
            assert _has_example(route, walked) or _is_post_only(route), route
            continue
        assert route in walked, f"{route} has no row in EXPECTED"


def _has_example(route: str, walked: set[str]) -> bool:
    import re

    pattern = re.sub(r"<[^>]+>", "[^/]+", route)
    return any(re.fullmatch(pattern, w) for w in walked) or route in AREA_NO_EXAMPLE or route in {
        "api/people/<pk>/", "api/contracts/<code>/", "contracts/<slug:code>/",
        "api/attachments/<int:pk>/", "tickets/attachments/<int:pk>/",
        "tickets/log-call/callers/<int:pk>/"}


def _is_post_only(route: str) -> bool:
    from tickets.workflow import ACTIONS

    if route in AREA_POST_ONLY:
        return True
    tail = route.rstrip("/").rsplit("/", 1)[-1]
    return tail in {a.replace("_", "-") for a in ACTIONS} | {"comment"}


def _demo_ticket_paths():
    from tickets.models import Ticket

    printer = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    disk = Ticket.objects.get(title__startswith="交易数据库服务器")
    names = {"printer": printer.number, "disk": disk.number, "printer_id": printer.pk,
             "disk_id": disk.pk}
    for module in AREA_MATRICES:
        names.update(importlib.import_module(module).names())
    return names


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may(demo, client, role):
    if role != "anonymous":
        client.force_login(demo[role])
    heartbeat_record()  # a worker and beat at work: /healthz answers 200
    beat_heartbeat_record()
    names = _demo_ticket_paths()
    failures = []
    for template, (allowed, other_status, anonymous_status) in EXPECTED.items():
        path = template.format(**names)
        status = client.get(path).status_code
        if role == "anonymous":
            expected = {anonymous_status}
        elif role in allowed:
            expected = {200, 302} if path == "/" else {200}
        elif isinstance(other_status, set):  # 403 or 404, by whether the role reads the area
            expected = other_status
        else:
            expected = {other_status}
        if status not in expected:
            failures.append(f"{path}: {status}, expected {expected}")
    assert not failures, failures
