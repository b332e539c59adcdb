"""`make run` started from a test as a newcomer starts it, and stopped as Ctrl-C stops it.

Used by tests/itsm/test_make_run.py and the browser test tests/e2e/test_make_run_port.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BANNER_END = "Press Ctrl-C to stop."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether a new server could listen on the port (TIME_WAIT leftovers of closed connections
    do not count, as they do not for runserver, which also sets SO_REUSEADDR)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
    return True


def processes() -> dict[int, tuple[int, int, str]]:
    """Every process on the machine: pid → (parent pid, session id, state), from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            # state ppid pgrp session …
            found[int(entry.name)] = (int(fields[1]), int(fields[3]), fields[0])
    return found


class MakeRun:
    """`make run` on `port` with its state under `var_dir`, on the embedded defaults (SQLite,
    the filesystem broker, mail into files) whatever the suite itself runs on."""

    def __init__(self, var_dir: Path, port: int, **environment: str):
        self.port = port
        self.var_dir = var_dir
        self.environment = {k: v for k, v in os.environ.items()
                            if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                                         "CACHE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE",
                                         "SITE_URL", "EMAIL_HOST", "EMAIL_BACKEND", "HOST",
                                         "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        self.environment.update(PORT=str(port), ITSM_VAR_DIR=str(var_dir), **environment)
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None
        self.family: dict[int, int] = {}  # pid → session of every process make run started

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def start(self, timeout: float = 180) -> str:
        self.process = subprocess.Popen(  # noqa: S603
            ["make", "--no-print-directory", "run"], cwd=ROOT, env=self.environment,  # noqa: S607
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        ready = threading.Event()
        # Read everything, always: a full pipe would block the web server's request log.
        reader = threading.Thread(target=self._read, args=(ready,), daemon=True)
        reader.start()
        ready.wait(timeout)
        assert BANNER_END in self.output, self.output[-3000:]
        self.record_family()
        return self.output

    def _read(self, ready: threading.Event) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if BANNER_END in line:
                ready.set()
        ready.set()  # the output ended: make run stopped

    def record_family(self) -> None:
        """Note make, run_stack and every process below them, with their sessions (the
        children run in sessions of their own)."""
        table = processes()
        family = {self.process.pid}
        grew = True
        while grew:
            below = {pid for pid, (parent, _s, _st) in table.items() if parent in family}
            grew = not below <= family
            family |= below
        self.family.update({pid: table[pid][1] for pid in family if pid in table})

    def stop(self, timeout: float = 40) -> None:
        """What Ctrl-C in the terminal does: SIGINT to make's whole foreground group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.record_family()
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_leftovers()
            raise
        deadline = time.monotonic() + 5
        while self.process.stdout and not self.process.stdout.closed \
                and time.monotonic() < deadline and "Stopped." not in self.output:
            time.sleep(0.1)

    def leftovers(self) -> list[int]:
        """Processes of this run still alive: by pid, or by one of its sessions."""
        sessions = set(self.family.values())
        return sorted(pid for pid, (_parent, session, state) in processes().items()
                      if state != "Z" and (pid in self.family or session in sessions))

    def kill_leftovers(self) -> None:
        for pid in self.leftovers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def __enter__(self) -> MakeRun:
        try:
            self.start()
        except BaseException:
            self.__exit__(AssertionError, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.stop()
        finally:
            if exc_info[0] is not None:
                self.kill_leftovers()
                # Shown by pytest with the failure: what the servers said.
                print("make run's output, last lines:\n" + "".join(self.lines[-60:]))
