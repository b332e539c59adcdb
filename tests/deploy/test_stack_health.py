"""docker-compose.yml's commands and health checks, run as written against real processes
started with .env.example's settings (placeholders replaced as the deployer is told to): the
migrate service (migrations, then the administrator), web (gunicorn with gunicorn.conf.py),
worker and beat; each service's health check passes."""

import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.deploy.servers import ROOT, Process, compose, stack_environment
from tests.faults.stack import wait_for
from tests.make_run import free_port

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pg_isready") is None
                                 or shutil.which("redis-cli") is None,
                                 reason="pg_isready and redis-cli are not installed")]


def in_this_machine(command: list[str], *, web_url: str, var_dir: Path) -> list[str]:
    """A compose health check as this machine runs it: the services on 127.0.0.1, the image's
    /app/var here, the shell's $$ (compose's escape for $) as $."""
    kind, *words = command
    words = [word.replace("$$", "$").replace("/app/var", str(var_dir)) for word in words]
    if kind == "CMD-SHELL":
        words = ["sh", "-c", words[0]]
    if words[:2] == ["python", "scripts/healthcheck.py"]:
        words = [sys.executable, "scripts/healthcheck.py", web_url]
    return words


def run_check(service: dict, environment: dict, **where) -> subprocess.CompletedProcess:
    command = in_this_machine(service["healthcheck"]["test"], **where)
    # pg_isready and redis-cli find this machine's servers on 127.0.0.1.
    environment = {**environment, "PGHOST": "127.0.0.1", "PGPORT": "5432"}
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True,  # noqa: S603
                          text=True, timeout=60)


@pytest.mark.django_db(transaction=True)
def test_every_service_of_the_compose_file_is_healthy_with_the_example_settings():
    services = compose()["services"]
    var_dir = Path(tempfile.mkdtemp(prefix="itsm-stack-"))
    port = free_port()
    environment = stack_environment(
        var_dir, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1",
        # The worker's health check pings celery@$HOSTNAME, the container's host name.
        HOSTNAME=socket.gethostname())
    try:
        # The migrate service: migrations (none left on the test database), the administrator.
        migrate = subprocess.run(services["migrate"]["command"], cwd=ROOT, env=environment,  # noqa: S603
                                 capture_output=True, text=True, timeout=300)
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        admin = get_user_model().objects.get(username=environment["ITSM_ADMIN_USERNAME"])
        # Hashed by the production hasher (the suite's settings use a fast one).
        assert admin.is_superuser and PBKDF2PasswordHasher().verify(
            environment["ITSM_ADMIN_PASSWORD"], admin.password)

        commands = {name: [sys.executable, "-m", *services[name]["command"]]
                    for name in ("worker", "beat")}
        commands["beat"] = [word.replace("/app/var", str(var_dir)) for word in commands["beat"]]
        commands["web"] = [sys.executable, "-m", "gunicorn", "itsm.wsgi:application"]
        with (Process("web", commands["web"], environment, var_dir) as web,
              Process("worker", commands["worker"], environment, var_dir) as worker,
              Process("beat", commands["beat"], environment, var_dir) as beat):
            where = {"web_url": f"http://127.0.0.1:{port}/healthz", "var_dir": var_dir}
            for name, process in (("web", web), ("worker", worker), ("beat", beat)):
                wait_for(lambda process=process, name=name:
                         not process.alive() or run_check(services[name], environment,
                                                          **where).returncode == 0,
                         90, interval=1, what=f"{name}'s health check")
                assert process.alive(), process.log()[-3000:]
            # The databases' own checks, pointed at this machine's servers.
            postgres = run_check(services["postgres"], environment, **where)
            assert "accepting connections" in postgres.stdout
            redis = run_check(services["redis"], environment, **where)
            assert redis.stdout.strip() == "PONG"
            # gunicorn read gunicorn.conf.py: one worker, as GUNICORN_WORKERS said.
            assert web.log().count("Booting worker") == 1, web.log()[-3000:]
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
