"""Gunicorn server hooks for /metrics with several worker processes (PROMETHEUS_MULTIPROC_DIR).

Load with `gunicorn -c python:itsm.gunicorn_metrics …`, or import `child_exit` into your own
gunicorn config. A worker that exits (max-requests, a crash, a restart) leaves its files in
the directory; marking it dead drops its live gauges from the sums while its counters stay
added in (docs/operations/monitoring.md).
"""

from prometheus_client import multiprocess


def child_exit(server, worker) -> None:
    multiprocess.mark_process_dead(worker.pid)
