"""The PDF of a service report: an HTML template rendered by WeasyPrint, A4 with page numbers,
Noto Sans CJK SC (Debian fonts-noto-cjk) embedded so the client's reader shows the Chinese."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def render_html(report) -> str:
    sections = [{"section": s, "rows": s.display_rows(),
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
