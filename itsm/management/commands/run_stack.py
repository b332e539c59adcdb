"""`make run`: the whole system in one terminal — web server, Celery worker and beat.

Prepares the database and demo data, starts the processes, prints the URL and the demo logins
once the web server answers, and stops everything on Ctrl-C (or when one process dies).

Each child runs in a session of its own, so the terminal's Ctrl-C reaches only this supervisor,
which then stops every process of each child's group — including the process that runserver's
autoreloader starts and that holds the port — and kills what has not gone after a grace period.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.data import DEMO_PASSWORD, PEOPLE
from itsm.env import env_str, local_url, mask_url

# Seconds the children get to shut down cleanly (a Celery task in progress finishes first).
GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run web server, Celery worker and beat together (the embedded development stack)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")

    def handle(self, *args, host, port, no_demo, **options):
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"PORT must be a number between 1 and 65535; got {port!r}.")
        # Links in e-mails, chat messages, surveys and reports point at the port served here,
        # unless SITE_URL says otherwise (a proxy in front). The worker sends the mails, so it
        # gets the address in its environment too.
        site_url = env_str("SITE_URL") or local_url(host, port)
        settings.SITE_URL = site_url.rstrip("/")
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo:
            call_command("load_demo", history=True, verbosity=0,
                         stdout=open(os.devnull, "w"))  # noqa: SIM115

        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [python, manage, "runserver", f"{host}:{port}"],
            "worker": [python, "-m", "celery", "-A", "itsm", "worker", "--beat",
                       "--pool=solo", "--loglevel=INFO",
                       "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }
        environment = {**os.environ, "SITE_URL": settings.SITE_URL}
        # Why we stop: each signal received, or None when a child died. The first asks for a
        # clean stop, a second one (Ctrl-C again) for a quick one.
        stops: list[int | None] = []

        def stop(signum, _frame):
            stops.append(signum)

        previous = {signum: signal.signal(signum, stop)
                    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        processes = {}
        try:
            for name, command in commands.items():
                processes[name] = subprocess.Popen(  # noqa: S603
                    command, cwd=settings.BASE_DIR, env=environment, start_new_session=True)
            url = f"http://{host}:{port}/"
            if self._wait_for(url + "healthz", processes, stops):
                self._announce(url, settings.SITE_URL + "/")
            while not stops:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} stopped (exit status {process.returncode}).")
                        stops.append(None)
                time.sleep(0.2)
        finally:
            self.stdout.write("Stopping…")
            self._stop(processes.values(), stops)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.stdout.write("Stopped.")

    def _stop(self, processes, stops) -> None:
        """SIGINT to every child's process group (what Ctrl-C does to a terminal's foreground
        group: runserver and Celery shut down cleanly on it), then SIGKILL to whatever is left
        after the grace period or on a second Ctrl-C."""
        groups = [p.pid for p in processes]  # each child leads its own session and group
        asked = len(stops)
        for group in groups:
            _signal_group(group, signal.SIGINT)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and len(stops) == asked:
            for process in processes:
                process.poll()  # reap the leaders, so an exited leader does not count
            if not any(_group_alive(group) for group in groups):
                return
            time.sleep(0.1)
        for group in groups:
            _signal_group(group, signal.SIGKILL)
        for process in processes:
            process.wait()

    def _wait_for(self, url: str, processes, stops) -> bool:
        for _attempt in range(120):
            if stops or any(p.poll() is not None for p in processes.values()):
                return False
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local URL
                    return True
            except urllib.error.HTTPError:
                return True  # it answers; /healthz may say 503 while the broker starts
            except OSError:
                time.sleep(0.5)
        return False

    def _announce(self, url: str, site_url: str) -> None:
        logins = [p for p in PEOPLE if p[-1]]
        lines = [
            "",
            "=" * 64,
            f"  ITSM portal: {url}",
            f"  API docs:    {url}api/docs/      health: {url}healthz",
            f"  Links in mails: {site_url}   mails: {_mail_destination()}",
            f"  Database:    {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
            f"   broker: {mask_url(settings.CELERY_BROKER_URL)}",
            f"  Demo logins (password {DEMO_PASSWORD}):",
        ]
        lines += [f"    {p[0]:<10} {p[2].label}" for p in logins]
        lines += ["  Press Ctrl-C to stop.", "=" * 64, ""]
        self.stdout.write("\n".join(str(line) for line in lines))


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has gone already
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    """Whether any process of the group still runs. Zombies do not count: a process reparented
    to an init that never reaps would otherwise look alive for ever."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it exited while we looked
        # pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == group:
            return True
    return False


def _mail_destination() -> str:
    backend = settings.EMAIL_BACKEND
    if backend.endswith("smtp.EmailBackend"):
        return f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if backend.endswith("FileEmailBackend"):
        return f"{settings.EMAIL_FILE_PATH}/"
    return backend
