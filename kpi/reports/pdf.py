"""The PDF of a service report: an HTML template rendered by WeasyPrint, A4 with page numbers,
Noto Sans CJK SC (Debian fonts-noto-cjk) embedded so the client's reader shows the Chinese."""

from __future__ import annotations

import logging
import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# Cells kept on one line, never broken at a hyphen (2026-/002090) or inside a figure: dates,
# numbers and one-word codes (ticket numbers, P3, DEMO-DESKTOP). A Chinese column head breaks
# only before its bracket (平均修复时长 / （分钟）), never inside a word (优先/级); English heads
# break between words or at a hyphenation point (lang="en").
WHOLE_FORMATS = {"date", "dt", "int", "num", "pct", "pct2"}
TOKEN = re.compile(r"[A-Za-z0-9][\w.:/%+-]{0,23}")
HEAD_PARTS = re.compile(r"[^（(]+|[（(][^）)]*[）)]?")
SHORT_HEAD = 8
WIDE = 10  # columns from which a table is set smaller to fit the A4 width


def _whole(text: str, fmt: str) -> bool:
    return fmt in WHOLE_FORMATS or bool(TOKEN.fullmatch(text))


def _head(head) -> list[tuple[str, bool]]:
    """A column head in parts, each with whether it stays on one line."""
    head = str(head)
    if head.isascii():
        return [(head, False)]
    return [(part, len(part) <= SHORT_HEAD) for part in HEAD_PARTS.findall(head)]


def _cells(section) -> list[list[tuple[str, bool]]]:
    return [[(text, _whole(text, fmt)) for text, (_value, fmt) in zip(shown, raw, strict=True)]
            for shown, raw in zip(section.display_rows(), section.cells(), strict=True)]


def render_html(report) -> str:
    sections = [{"section": s, "rows": _cells(s),
                 "headers": [_head(h) for h in s.headers],
                 "wide": len(s.headers) >= WIDE,
                 # charts are built from numbers and escaped labels (kpi.reports.charts)
                 "charts": [mark_safe(svg) for svg in s.charts]}  # noqa: S308
                for s in report.sections]
    return render_to_string("kpi/reports/pdf/report.html",
                            {"report": report, "sections": sections})


def render_pdf(report) -> bytes:
    # Its progress lines (some logged on import) are not news for a log or a command's stderr.
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import weasyprint

    return weasyprint.HTML(string=render_html(report)).write_pdf()
