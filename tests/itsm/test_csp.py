"""Content-Security-Policy on every HTML page (django-csp, issue 14.3): scripts and styles from
our origin or carrying the response's nonce, no inline handlers or style attributes, no framing.
The browser check (no violation logged, per role) is tests/e2e/test_csp.py."""

import re
from html.parser import HTMLParser

import pytest

from tests.test_url_matrix import EXPECTED, _demo_ticket_paths


class _Inline(HTMLParser):
    """Inline <script>/<style> blocks with their nonce, and attributes CSP would refuse."""

    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[str, str | None]] = []
        self.refused: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Data blocks (json_script: type="application/json") are never run; CSP ignores them.
        runs = attrs.get("type") in (None, "", "text/javascript", "module")
        if tag == "style" or (tag == "script" and "src" not in attrs and runs):
            self.blocks.append((tag, attrs.get("nonce")))
        for name in attrs:
            if name.startswith("on") or name == "style" or name.startswith("hx-on"):
                self.refused.append(f"<{tag} {name}=…>")


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("role", ["admin", "user", "desk", "client"])
def test_every_html_page_sends_the_policy_and_nonces_its_inline_blocks(demo, client, role):
    client.force_login(demo[role])
    names = _demo_ticket_paths()
    checked, failures = 0, []
    for template in EXPECTED:
        path = template.format(**names)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        policy = _policy(response)
        if policy.get("frame-ancestors") != ["'none'"] or policy.get("object-src") != ["'none'"]:
            failures.append(f"{path}: {response['Content-Security-Policy']}")
            continue
        nonces = {v[len("'nonce-"):-1] for v in policy["script-src"] if v.startswith("'nonce-")}
        page = _Inline()
        page.feed(response.content.decode())
        for tag, nonce in page.blocks:
            if nonce is None or nonce not in nonces:
                failures.append(f"{path}: inline <{tag}> with nonce {nonce!r}, header {nonces}")
        failures += [f"{path}: {attr}" for attr in page.refused]
    assert checked > 10
    assert not failures, failures


def test_the_policy_is_strict(client, db):
    policy = _policy(client.get("/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


def test_a_page_with_an_inline_block_gets_a_fresh_nonce_each_time(demo, client):
    client.force_login(demo["admin"])
    first = client.get("/api/docs/")
    second = client.get("/api/docs/")
    nonce = re.search(r'nonce="([^"]+)"', first.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in first["Content-Security-Policy"]
    assert nonce not in second["Content-Security-Policy"]


def test_htmx_runs_without_eval_or_injected_scripts(demo, client):
    client.force_login(demo["desk"])
    page = client.get("/tickets/queue/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    assert '"allowEval": false' in config and '"allowScriptTags": false' in config
    assert '"includeIndicatorStyles": false' in config


def test_the_refusal_pages_carry_the_policy_too(client, db):
    assert "frame-ancestors 'none'" in client.get("/q/%00")["Content-Security-Policy"]
