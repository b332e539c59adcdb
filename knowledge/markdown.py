"""Article bodies: Markdown rendered by markdown-it-py, then sanitised by nh3 (issue 18, bad input).

Raw HTML in the Markdown is not rendered at all (``html: False``), and whatever the renderer
makes still goes through an allow-list: no script or style, no event attributes, links only to
http(s) and mailto (never ``javascript:``), and images only from the article's own attachments
(``/kb/attachments/<id>/`` of that article), so a body cannot load anything from elsewhere.
"""

from __future__ import annotations

import re

import nh3
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code",
        "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
        "td"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
              "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def attachment_url(pk: int) -> str:
    return reverse("knowledge:attachment", args=[pk])


def render(text: str, *, attachment_ids: set[int] | frozenset[int] = frozenset()) -> SafeString:
    """Safe HTML for a Markdown body; images must point at one of ``attachment_ids``."""
    html = _renderer.render(text or "")
    allowed = {attachment_url(pk) for pk in attachment_ids}
    image_url = re.compile(r"^" + re.escape(attachment_url(0)).replace("0", r"\d+", 1) + r"$")

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            # Only this article's own files: anything else (other sites, data: URLs, other
            # articles' files) is dropped, and nh3 then drops the image without a source.
            return value if value in allowed and image_url.match(value) else None
        return value

    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                        attribute_filter=keep, link_rel="noopener noreferrer nofollow",
                        strip_comments=True)
    cleaned = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)  # an image left without a source
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it against the allow-list
