"""`make run`: the whole system in one terminal — web server, Celery worker and beat.

Prepares the database and demo data, starts the processes, prints the URL and the demo logins
once the web server answers, and stops everything on Ctrl-C (or when one process dies).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from itsm.demo import DEMO_PASSWORD, PEOPLE
from itsm.env import mask_url


class Command(BaseCommand):
    help = "Run web server, Celery worker and beat together (the embedded development stack)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")

    def handle(self, *args, host, port, no_demo, **options):
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"PORT must be a number between 1 and 65535; got {port!r}.")
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
        processes = {name: subprocess.Popen(cmd, cwd=settings.BASE_DIR)  # noqa: S603
                     for name, cmd in commands.items()}
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        try:
            url = f"http://{host}:{port}/"
            if self._wait_for(url + "healthz", processes):
                self._announce(url)
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} stopped (exit status {process.returncode}).")
                        stopping = True
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stdout.write("Stopping…")
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
            self.stdout.write("Stopped.")

    def _wait_for(self, url: str, processes) -> bool:
        for _attempt in range(120):
            if any(p.poll() is not None for p in processes.values()):
                return False
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local URL
                    return True
            except urllib.error.HTTPError:
                return True  # it answers; /healthz may say 503 while the broker starts
            except OSError:
                time.sleep(0.5)
        return False

    def _announce(self, url: str) -> None:
        logins = [p for p in PEOPLE if p[-1]]
        lines = [
            "",
            "=" * 64,
            f"  ITSM portal: {url}",
            f"  API docs:    {url}api/docs/      health: {url}healthz",
            f"  Database:    {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
            f"   broker: {mask_url(settings.CELERY_BROKER_URL)}",
            f"  Demo logins (password {DEMO_PASSWORD}):",
        ]
        lines += [f"    {p[0]:<10} {p[2].label}" for p in logins]
        lines += ["  Press Ctrl-C to stop.", "=" * 64, ""]
        self.stdout.write("\n".join(str(line) for line in lines))
