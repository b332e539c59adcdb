"""The customer service report as a PDF (客户服务报告): the KPI reports' family (WeasyPrint, A4,
Noto Sans CJK SC embedded, page numbers), with both signatures as images."""

from __future__ import annotations

import base64
import io
import logging

from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image


def _data_uri(png) -> str:
    """The signature on white paper: the pad's PNG is transparent around the strokes, which a
    PDF would carry as a second (mask) image; flattened it is one image per signature."""
    if not png:
        return ""
    with Image.open(io.BytesIO(bytes(png))) as image:
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, (255, 255, 255))
        paper.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        paper.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def render_html(report, *, parts, visits) -> str:
    return render_to_string("fieldservice/reports/pdf.html", {
        "report": report, "ticket": report.ticket, "parts": parts, "visits": visits,
        "requester_signature": _data_uri(report.requester_signature),
        "engineer_signature": _data_uri(report.engineer_signature),
    })


def render_pdf(report, *, parts, visits, language: str = "zh-hans") -> bytes:
    # Its progress lines (some logged on import) are not news for a log or a command's stderr.
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # WeasyPrint takes seconds to import: only the processes that render pay for it.
    import weasyprint

    with translation.override(language):
        html = render_html(report, parts=parts, visits=visits)
    return weasyprint.HTML(string=html).write_pdf()
