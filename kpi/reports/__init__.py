"""Service reports (K3): content.py gathers, pdf.py and xlsx.py render, charts.py draws inline
SVG; kpi/services/reports.py archives and e-mails, kpi/services/schedule.py runs the
monthly/quarterly/annual schedule."""
