"""Real servers for the deployment tests: the portal's processes started as docker-compose.yml
starts them (with .env.example's settings), and a PgBouncer in transaction pooling mode.

Each is a context manager in a process group of its own, so stopping it reaches its children
(gunicorn's workers, Celery's pool) and nothing outlives the test.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from django.conf import settings

from tests.faults.stack import port_open, wait_for
from tests.make_run import free_port

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_example() -> dict[str, str]:
    """The variables .env.example sets (its commented lines are defaults, left unset)."""
    pairs = re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / ".env.example").read_text(), re.M)
    return dict(pairs)


def test_database_url() -> str:
    database = settings.DATABASES["default"]
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}")


def stack_environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    """What an app container of docker-compose.yml sees with .env copied from .env.example:
    env_file first, then the file's own `environment` (which wins), the image's ENV paths; the
    example's placeholders replaced as the deployer is told to, the stack's own services by
    this machine's (the test database, this suite's Redis)."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL", "DEBUG",
                                "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                                "CACHE_URL", "EMAIL_BACKEND"}}
    environment.update(env_example())
    environment.update({"SECRET_KEY": secrets.token_urlsafe(50),
                        "ITSM_ADMIN_PASSWORD": secrets.token_urlsafe(16)})
    for name, value in compose()["x-app"]["environment"].items():
        environment[name] = str(value)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    environment.update({
        "DATABASE_URL": test_database_url(), "REDIS_URL": redis_url,
        "CACHE_URL": redis_url, "ITSM_VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "staticfiles"), "PYTHONUNBUFFERED": "1",
        # The fault tests' habit: one queue per test run, so nothing else's tasks are taken.
        "CELERY_QUEUE": f"deploy-test-{os.getpid()}",
        # The image's python, gunicorn and celery are those of this virtual environment.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    environment.update(overrides)
    return environment


class Process:
    """One command in its own session, its output in a log file."""

    def __init__(self, name: str, command: list[str], environment: dict[str, str],
                 log_dir: Path):
        self.name, self.command, self.environment = name, command, environment
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Process:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.command, cwd=ROOT, env=self.environment, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def __exit__(self, *exc_info) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class PgBouncer:
    """Debian's pgbouncer in front of the suite's PostgreSQL (127.0.0.1:5432): transaction
    pooling, trust authentication, on a free port. As root it drops to the postgres user
    (pgbouncer refuses to run as root), so its directory is opened to that user."""

    def __init__(self, pool_size: int = 4):
        self.directory = Path(tempfile.mkdtemp(prefix="itsm-pgbouncer-"))
        self.port = free_port()
        self.pool_size = pool_size
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> PgBouncer:
        database = settings.DATABASES["default"]
        user = database["USER"] or "postgres"
        (self.directory / "users.txt").write_text(f'"{user}" ""\n')
        (self.directory / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={database['HOST'] or '127.0.0.1'} port={database['PORT'] or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir = {self.directory}\n"
            f"auth_type = trust\nauth_file = {self.directory / 'users.txt'}\n"
            # Fewer server connections than concurrent requests: transactions of different
            # requests share them, as they do in production.
            f"pool_mode = transaction\ndefault_pool_size = {self.pool_size}\n"
            "max_client_conn = 200\nignore_startup_parameters = extra_float_digits,options\n")
        command = [shutil.which("pgbouncer"), str(self.directory / "pgbouncer.ini")]
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.directory, postgres.pw_uid, postgres.pw_gid)
            for path in self.directory.iterdir():
                os.chown(path, postgres.pw_uid, postgres.pw_gid)
            command[1:1] = ["-u", "postgres"]
        self.log = open(self.directory / "pgbouncer.log", "ab")  # noqa: SIM115 - closed on exit
        self.process = subprocess.Popen(command, stdout=self.log,  # noqa: S603
                                        stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: port_open(self.port) or self.process.poll() is not None, 20,
                 what="pgbouncer")
        assert self.process.poll() is None, self.log_text()
        return self

    def __exit__(self, *exc_info) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def log_text(self) -> str:
        return (self.directory / "pgbouncer.log").read_text(errors="replace")

    def database_url(self) -> str:
        database = settings.DATABASES["default"]
        user = database["USER"] or "postgres"
        return f"postgres://{user}@127.0.0.1:{self.port}/{database['NAME']}"
