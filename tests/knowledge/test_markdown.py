"""The Markdown sanitiser against the usual attacks (issue 18, bad input)."""

from html.parser import HTMLParser

import pytest

from knowledge.markdown import attachment_url, render


class _Elements(HTMLParser):
    """The elements and attributes a browser would build (escaped text is only text)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<svg onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
])
def test_it_leaves_nothing_that_runs(attack):
    html = str(render(attack))
    for tag, attrs in _Elements(html).found:
        assert tag not in {"script", "iframe", "svg", "style", "object", "embed"}, html
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), html


def test_it_keeps_ordinary_markdown():
    html = str(render("**加粗** 与 [链接](https://example.com)\n\n1. 第一步\n2. 第二步"))
    assert "<strong>加粗</strong>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<ol>" in html and "<li>第一步</li>" in html


def test_it_shows_images_only_from_the_articles_own_attachments():
    own, other = attachment_url(5), attachment_url(6)
    html = str(render(f"![a]({own}) ![b]({other}) ![c](https://evil.example/x.png) "
                      f"![d](data:image/png;base64,AAAA)", attachment_ids={5}))
    assert f'src="{own}"' in html
    assert other not in html and "evil.example" not in html and "data:" not in html
    assert html.count("<img") == 1
