"""Service reports (K3): content.py gathers, pdf.py and xlsx.py render, generate.py archives and
e-mails, schedule.py runs the monthly/quarterly/annual schedule, charts.py draws inline SVG."""
