"""The production stack in miniature for the fault tests: a private PostgreSQL cluster, a Redis
server on a port of its own, an SMTP sink, and gunicorn / Celery worker / beat processes.

Nothing here touches the shared PostgreSQL on 5432 or the shared Redis on 6379: the tests stop
and restart their own servers. Each helper is a context manager that leaves no process behind.
"""

from __future__ import annotations

import contextlib
import email
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from glob import glob
from pathlib import Path

import psycopg

from tests.make_run import free_port

ROOT = Path(__file__).resolve().parents[2]


def missing_binaries() -> list[str]:
    needed = {"redis-server": shutil.which("redis-server"),
              "initdb (PostgreSQL server)": postgres_bin("initdb"),
              "gunicorn": shutil.which("gunicorn", path=str(Path(sys.executable).parent))}
    return [name for name, path in needed.items() if not path]


def postgres_bin(name: str) -> str | None:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def wait_for(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --- PostgreSQL -------------------------------------------------------------------------------

class PrivatePostgres:
    """A throw-away cluster in a temporary directory, owned by the postgres user when we are
    root (pytest's own temporary directories are closed to other users)."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="itsm-fault-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        if self.as_postgres:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=check, capture_output=True, text=True,  # noqa: S603
                              timeout=120)

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-l",
                  str(self.directory / "server.log"), "-o", options, "-w", "-t", "60", action,
                  *extra)

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """What an operator's `pg_ctl restart -m fast` does: every connection is cut."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop",
                      check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(sql)

    def query(self, sql: str, database: str, params=()) -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


# --- Redis ------------------------------------------------------------------------------------

class RedisServer:
    """`redis-server` on a free port, without persistence; stop() and start() keep the port."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), 10, what="redis-server")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


# --- SMTP sink --------------------------------------------------------------------------------

class SmtpSink:
    """A minimal SMTP server in a thread that keeps every message it receives.

    With `hold_first`, the first message's DATA is received and kept but the final "250" is held
    back until release(): the moment the issue describes, when the server has taken the mail and
    the worker has not yet heard so.
    """

    def __init__(self, hold_first: bool = False):
        self.messages: list[email.message.Message] = []
        self.hold_first = hold_first
        self.holding = threading.Event()
        self.released = threading.Event()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                sink._converse(self.rfile, self.wfile)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _converse(self, rfile, wfile) -> None:
        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        with contextlib.suppress(OSError):
            reply("220 sink ESMTP")
            while line := rfile.readline():
                verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250 sink")
                elif verb == "DATA":
                    reply("354 go ahead")
                    data = b""
                    while (chunk := rfile.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    self.messages.append(email.message_from_bytes(data))
                    if self.hold_first and len(self.messages) == 1:
                        self.holding.set()
                        self.released.wait(60)
                    reply("250 queued")
                elif verb == "QUIT":
                    reply("221 bye")
                    return
                else:  # MAIL, RCPT, RSET, NOOP
                    reply("250 ok")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def message_ids(self, subject_contains: str = "") -> list[str]:
        return [m["Message-ID"] for m in self.messages
                if subject_contains in str(email.header.make_header(
                    email.header.decode_header(m["Subject"] or "")))]


# --- The application's processes -------------------------------------------------------------

class Processes:
    """gunicorn, Celery workers and beats for one database, Redis and SMTP sink, each in a
    process group of its own so a kill reaches its children."""

    def __init__(self, var_dir: Path, database_url: str, redis: RedisServer, smtp: SmtpSink,
                 **extra: str):
        self.var_dir = var_dir
        self.environment = {k: v for k, v in os.environ.items()
                            if k not in {"DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND",
                                         "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
        self.environment.update({
            "DATABASE_URL": database_url, "REDIS_URL": redis.url,
            # As docker-compose.yml: the cache on the same Redis, so "Redis down" covers it too.
            "CACHE_URL": redis.url[:-1] + "1",
            "DEBUG": "false", "SECRET_KEY": "fault-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false",
            "SITE_URL": "https://itsm.fault-test.example", "ITSM_VAR_DIR": str(var_dir),
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_TIMEOUT": "3",
            "WEBHOOK_TIMEOUT": "3", "NOTIFICATION_SENDING_TIMEOUT": "6",
            "NOTIFICATION_SWEEP_SECONDS": "2", "HEARTBEAT_SECONDS": "3600",
            "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
        })
        self.environment.update(extra)
        self.running: dict[str, subprocess.Popen] = {}
        self.web_port = free_port()

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.var_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, cwd=ROOT, env=self.environment,  # noqa: S603
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.running[name] = process
        return process

    def web(self) -> None:
        self._start("web", [sys.executable, "-m", "gunicorn", "itsm.wsgi:application",
                            "--bind", f"127.0.0.1:{self.web_port}", "--workers", "2",
                            "--timeout", "30"])

    def worker(self, name: str = "worker") -> subprocess.Popen:
        return self._start(name, [sys.executable, "-m", "celery", "-A", "itsm", "worker",
                                  "--pool=prefork", "--concurrency=2", "--loglevel=INFO",
                                  "--without-gossip", "--without-mingle",
                                  "-n", f"{name}-{os.getpid()}@%h"])

    def beat(self, name: str = "beat", *, own_schedule: bool = False) -> subprocess.Popen:
        """A beat. own_schedule: the file scheduler instead of celery-redbeat's lock, so two
        such beats both schedule every job (a deployment that lost the lock, or ran an old
        configuration): the jobs themselves must still do each thing once."""
        scheduler = ["--scheduler", "celery.beat:PersistentScheduler"] if own_schedule else []
        return self._start(name, [sys.executable, "-m", "celery", "-A", "itsm", "beat",
                                  "--loglevel=INFO", *scheduler,
                                  "--schedule", str(self.var_dir / f"{name}-schedule")])

    def wait_until_worker_ready(self, name: str = "worker", timeout: float = 60) -> None:
        wait_for(lambda: "ready." in self.log(name) or self._died(name), timeout,
                 interval=0.2, what=f"{name} to be ready")
        assert self.running[name].poll() is None, self.log(name)

    def wait_until_web_ready(self, timeout: float = 60) -> None:
        wait_for(lambda: self.get("/healthz")[0] in (200, 503) or self._died("web"), timeout,
                 interval=0.2, what="gunicorn")
        assert self.running["web"].poll() is None, self.log("web")

    def _died(self, name: str) -> bool:
        return self.running[name].poll() is not None

    def kill(self, name: str) -> None:
        """kill -9 to the whole process group: the main process and its pool children."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for name in list(self.running):
            process = self.running[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for name in list(self.running):
            process = self.running.pop(name)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-2500:]}"
                         for path in sorted(self.var_dir.glob("*.log")))

    # --- HTTP against gunicorn

    def request(self, method: str, path: str, body: dict | None = None, token: str = "",
                timeout: float = 10) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        request = urllib.request.Request(  # noqa: S310 - http to our own gunicorn
            f"http://127.0.0.1:{self.web_port}{path}", method=method, headers=headers,
            data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
                return reply.status, _json(reply.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _json(exc.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, {}

    def get(self, path: str, token: str = "") -> tuple[int, dict]:
        return self.request("GET", path, token=token, timeout=3)

    def token(self, username: str, password: str) -> tuple[int, str]:
        status, body = self.request("POST", "/api/auth/token/",
                                    {"username": username, "password": password})
        return status, body.get("token", "")


def _json(data: bytes) -> dict:
    try:
        value = json.loads(data or b"{}")
    except ValueError:
        return {"raw": data[:500].decode(errors="replace")}
    return value if isinstance(value, dict) else {"value": value}
