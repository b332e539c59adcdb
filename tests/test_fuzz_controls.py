"""Control characters in every URL of the resolver: refused with 400, never a 5xx (issue 14.2).

PostgreSQL refuses NUL in text, so each view that put a path segment, a query parameter or a
form field into a query answered 500. core.middleware.ControlCharactersMiddleware refuses C0
control characters but tab, CR and LF once, for every URL. DEL (0x7f) is allowed: PostgreSQL,
XML and openpyxl take it, so it reaches the views, which must still answer without a 5xx.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.test_url_matrix import _patterns
from tickets.models import Ticket

REFUSED = ["%00", "%01", "%1f", "%0b"]
ALLOWED = ["%7f", "%09"]  # DEL and tab are text
NOT_WALKED = {"logout/"}  # would log the client out half-way through the walk
ADMIN_SAMPLES = ["admin/", "admin/login/", "admin/accounts/user/", "admin/tickets/ticket/",
                 "admin/accounts/user/1/change/"]


def _sample(route: str, value: str) -> str:
    """The route with every parameter filled: int converters with 1, the others with value."""
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"<int:[^>]+>", "1", route)
    return "/" + re.sub(r"<[^>]+>", value, route)


def _routes() -> list[str]:
    routes = []
    for route in _patterns():
        if "(?P" in route or "format_suffix" in route or route in NOT_WALKED:
            continue
        routes.append(route)
    return [*routes, *ADMIN_SAMPLES]


def _walk(client, char: str, *, expect_refused: bool) -> list[str]:
    failures = []
    query = f"?q=a{char}b&contract=DEMO{char}&page=1{char}&{char}key=1"
    raw = _char(char)
    form = {"title": f"t{raw}", "q": f"q{raw}", "comment": f"c{raw}"}
    for route in _routes():
        path = _sample(route, f"x{char}y")
        plain = _sample(route, "DEMO-DESKTOP")
        requests = [("get", plain + query, None), ("post", plain + query, None),
                    ("post", plain, form)]
        if char in path:  # a parameter other than an int took it
            requests.append(("get", path, None))
        for method, url, data in requests:
            response = getattr(client, method)(url, data)
            status = response.status_code
            # The readiness probes answer 503 by design here (no worker heartbeat in tests).
            designed = status == 503 and url.startswith("/healthz")
            if (status >= 500 and not designed) or (expect_refused and status != 400):
                failures.append(f"{method.upper()} {url}: {status}")
    return failures


def _char(escaped: str) -> str:
    return chr(int(escaped[1:], 16))


@pytest.mark.parametrize("char", REFUSED)
@pytest.mark.parametrize("role", ["anonymous", "desk", "admin"])
def test_it_refuses_control_characters_everywhere_with_400(demo, client, role, char):
    if role != "anonymous":
        client.force_login(demo[role])
    failures = _walk(client, char, expect_refused=True)
    assert not failures, failures


@pytest.mark.parametrize("char", ALLOWED)
@pytest.mark.parametrize("role", ["anonymous", "desk", "admin"])
def test_it_answers_text_characters_without_a_server_error(demo, client, role, char):
    if role != "anonymous":
        client.force_login(demo[role])
    failures = _walk(client, char, expect_refused=False)
    assert not failures, failures


def test_it_refuses_with_a_page_in_the_chosen_language(client, db):
    response = client.get("/tickets/%00/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "控制字符" in response.content.decode()
    client.cookies["itsm_language"] = "en"
    assert "control characters" in client.get("/s/%00/").content.decode()


def test_it_refuses_the_api_with_the_error_body(client, db):
    response = client.get("/api/complaints/%00/")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert set(response.json()) == {"detail", "code"}


API_WRITES = [("post", "/api/tickets/"), ("post", "/api/assets/"),
              ("patch", "/api/tickets/{printer_id}/"), ("post", "/api/complaints/"),
              ("post", "/api/auth/token/"), ("post", "/api/surveys/abc/answer/")]


@pytest.mark.parametrize("body", [
    {"title": "printer\u0000"},
    {"title\u0000": "printer"},
    {"specs": {"cpu": ["i7", "x\u001f"]}},
    {"username": "desk", "password": "\u0000"},
])
def test_it_refuses_json_strings_with_nul(demo, client, body):
    client.force_login(demo["desk"])
    names = {"printer_id": _printer_id()}
    for method, template in API_WRITES:
        response = getattr(client, method)(template.format(**names), body,
                                            content_type="application/json")
        assert response.status_code == 400, (method, template, response.status_code)
        assert response.json()["code"] == "invalid_characters"


def test_it_lets_escaped_text_and_other_json_through(demo, client):
    client.force_login(demo["desk"])
    response = client.patch(f"/api/tickets/{_printer_id()}/", {"title": "a\tb\r\nc\u007f"},
                            content_type="application/json")
    assert response.status_code != 400 or response.json()["code"] != "invalid_characters"
    broken = client.post("/api/tickets/", b'{"title": "\x00', content_type="application/json")
    assert broken.status_code == 400  # not JSON: DRF's own parse error
    assert broken.json()["code"] != "invalid_characters"


def test_it_refuses_multipart_fields_but_not_file_contents(demo, client):
    client.force_login(demo["user"])
    url = reverse("tickets:new")
    upload = SimpleUploadedFile("log.txt", b"binary\x00content", content_type="text/plain")
    refused = client.post(url, {"title": "x\x00", "attachments": upload})
    assert refused.status_code == 400
    upload = SimpleUploadedFile("log.txt", b"binary\x00content", content_type="text/plain")
    taken = client.post(url, {"title": "x", "attachments": upload})
    assert taken.status_code != 400


def test_it_refuses_urlencoded_patch_bodies(demo, client):
    client.force_login(demo["desk"])
    response = client.patch(f"/api/tickets/{_printer_id()}/", "title=a%00b",
                            content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def _printer_id() -> int:
    return Ticket.objects.get(title="三楼财务部打印机频繁卡纸").pk


def test_it_refuses_json_nested_too_deep_to_parse(demo, client):
    client.force_login(demo["desk"])
    response = client.post("/api/tickets/", b"[" * 100_000 + b"]" * 100_000,
                           content_type="application/json")
    assert response.status_code == 400
