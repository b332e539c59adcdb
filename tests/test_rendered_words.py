"""Words that read right on every page of every role, in Chinese and in English.

Each role's pages (every GET page of the URL matrix it may open) are rendered in both languages
and their visible text (tags, attributes, scripts and styles stripped) is read for two faults:

- a raw key instead of its label: a snake_case token (``on_site``, ``spare_part``) anywhere, or
  a whole phrase that is a stored key (a choice value such as ``received``, a history reason
  such as ``registered``);
- a ticket number, complaint number or date that the browser may break at its hyphen
  (``2026-/002090``): each must sit in an element that does not wrap (``text-nowrap``, a badge).

The browser-level twin (tests/e2e/test_no_wraps.py) measures the rendered lines themselves.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps

from tests.test_url_matrix import EXPECTED, ROLES, _demo_ticket_paths

# Classes whose CSS keeps their text on one line (Bootstrap's .badge is white-space: nowrap).
NOWRAP_CLASSES = {"text-nowrap", "badge"}
# Text that is never shown as page text (or is shown verbatim on purpose: commands, codes).
SKIPPED = {"script", "style", "head", "template", "textarea", "code", "pre", "kbd"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Keys that are also ordinary words where they may appear as a whole phrase ("API", units).
ALLOWED_KEYS: set[str] = set()

SNAKE = re.compile(r"(?<![\w./@:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
# Ticket 2026-000123, complaint TS-2026-000001, date 2026-05-01, short date-time 05-01 09:30.
TOKENS = re.compile(r"\b(?:[A-Z]{2}-)?\d{4}-\d{6}\b|\b\d{4}-\d{2}-\d{2}\b"
                    r"|\b\d{2}-\d{2} \d{2}:\d{2}\b")
SEPARATORS = re.compile(r"\s*[·|:：,，;；\n]\s*")
# Running text (a sentence with a date in it) wraps like any sentence.
SENTENCE = re.compile(r"。|\.\s+\S")


class _Text(HTMLParser):
    """Visible text nodes with whether an enclosing element keeps them on one line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, nowrap, skipped)
        self.nodes: list[tuple[str, bool, str]] = []  # (text, kept on one line, in which tag)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        style = (attrs.get("style") or "").replace(" ", "")
        parent_nowrap = bool(self.stack) and self.stack[-1][1]
        parent_skipped = bool(self.stack) and self.stack[-1][2]
        nowrap = (parent_nowrap or tag in ("option", "svg") or bool(classes & NOWRAP_CLASSES)
                  or "white-space:nowrap" in style)
        self.stack.append((tag, nowrap, parent_skipped or tag in SKIPPED))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and not (self.stack and self.stack[-1][2]):
            self.nodes.append((data, bool(self.stack) and self.stack[-1][1],
                               self.stack[-1][0] if self.stack else ""))


def _stored_keys() -> set[str]:
    """Every choice value of every model, and every history reason written so far."""
    keys = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]*", value):
                    keys.add(value)
        if model.__name__.startswith("Historical") and hasattr(model, "history_change_reason"):
            keys.update(model.objects.exclude(history_change_reason=None)
                        .values_list("history_change_reason", flat=True).distinct())
    return keys - ALLOWED_KEYS


def faults(html: str, keys: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for text, nowrap, tag in parser.nodes:
        for m in SNAKE.finditer(text):
            found.append(f"raw key {m[0]!r} in {text.strip()[:60]!r}")
        for phrase in SEPARATORS.split(text):
            if phrase.strip() in keys:
                found.append(f"raw key {phrase.strip()!r} in {text.strip()[:60]!r}")
        if not nowrap and not SENTENCE.search(text):
            for m in TOKENS.finditer(text):
                found.append(f"{m[0]!r} may wrap at its hyphen in <{tag}> {text.strip()[:60]!r}")
    return found


def test_the_scanner_finds_raw_keys_and_breakable_numbers():
    html = ('<div><script>var on_site = 1;</script><span title="spare_part">x</span>'
            '<ul><li>2026-12-05 17:58 · 张丽 · registered · 已受理</li></ul>'
            '<td class="text-nowrap"><a href="/t/2026-000001/">2026-000001</a></td>'
            '<p>状态 on_site</p><span class="badge">2026-05-01</span><code>load_holidays</code>'
            '<p>TS-2026-000001</p></div>')
    assert faults(html, {"registered"}) == [
        "raw key 'registered' in '2026-12-05 17:58 · 张丽 · registered · 已受理'",
        "'2026-12-05' may wrap at its hyphen in <li> "
        "'2026-12-05 17:58 · 张丽 · registered · 已受理'",
        "raw key 'on_site' in '状态 on_site'",
        "'TS-2026-000001' may wrap at its hyphen in <p> 'TS-2026-000001'",
    ]


def _pages(role: str, names: dict) -> list[str]:
    pages = []
    for template, (allowed, _other, _anonymous) in EXPECTED.items():
        path = template.format(**names)
        if role in allowed and not path.startswith(("/api/", "/admin/", "/healthz", "/jsi18n",
                                                               "/metrics")):
            pages.append(path)
    return pages


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_no_page_shows_a_raw_key_or_a_breakable_number(demo, client, role):
    client.force_login(demo[role])
    names = _demo_ticket_paths()
    keys = _stored_keys()
    failures = []
    for language in ("zh-hans", "en"):
        client.cookies["itsm_language"] = language
        for path in _pages(role, names):
            response = client.get(path, follow=True)
            if not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            assert "<html" not in html or f'lang="{language}"' in html, (path, language)
            failures += [f"{language} {path}: {f}" for f in faults(html, keys)]
    assert not failures, "\n".join(failures)
