"""QR codes for asset labels (A4): an absolute URL to /a/<tag>, drawn as inline SVG."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe


def label_url(request, asset) -> str:
    """The absolute URL a label's QR code holds: ASSET_LABEL_BASE_URL (the portal's public
    address) when set, else the address this page was reached at."""
    if not asset.tag:
        return ""
    base = (settings.ASSET_LABEL_BASE_URL or "").rstrip("/")
    path = reverse("assets:tag", kwargs={"tag": asset.tag})
    if base:
        return base + quote(path)
    return request.build_absolute_uri(path)


def qr_svg(url: str) -> str:
    """An inline SVG of the QR code (no files, no external service); '' without a URL."""
    if not url:
        return ""
    code = segno.make(url, error="m", micro=False)
    # segno escapes nothing it did not generate; the URL is only encoded into modules.
    return mark_safe(code.svg_inline(scale=3, border=2, omitsize=True))  # noqa: S308
