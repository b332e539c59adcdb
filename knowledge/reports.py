"""Printable records of problems and changes (k18chg): the 故障分析报告 PDF (WeasyPrint, in the
KPI reports' font and A4 layout: Noto Sans CJK SC embedded) and the 系统配置变更申请报告 page."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from core.clock import now


def problem_html(problem) -> str:
    return render_to_string("knowledge/problems/report.html",
                            {"problem": problem, "generated_at": now()})


def problem_pdf(problem) -> bytes:
    # Its progress lines are not news for a log (the same as kpi.reports.pdf).
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import weasyprint  # loaded on first use: it takes a second and most requests never print

    return weasyprint.HTML(string=problem_html(problem)).write_pdf()
