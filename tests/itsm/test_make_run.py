"""`make run` brings up web + worker + beat on the embedded defaults and Ctrl-C stops it all."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_the_demo_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG",
                                "DJANGO_SETTINGS_MODULE"}}
    environment.update(PORT=str(port), ITSM_VAR_DIR=str(tmp_path), HEARTBEAT_SECONDS="2")
    process = subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "run"], cwd=ROOT, env=environment,  # noqa: S607
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in output, output[-3000:]
        for username in ["admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm",
                         "client", "user", "user2"]:
            assert f"    {username} " in output
        login = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10).read()
        assert "演示账号".encode() in login
        # The embedded worker and beat deliver heartbeats through the filesystem broker.
        heartbeat = {}
        for _attempt in range(40):
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
            heartbeat = json.loads(body)["heartbeat"]
            if heartbeat.get("count", 0) >= 1:
                break
            time.sleep(0.5)
        assert heartbeat.get("count", 0) >= 1, heartbeat
        assert (tmp_path / "itsm.sqlite3").exists()
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert "Stopped." in rest
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    for _attempt in range(20):  # the runserver reloader's child may take a moment to go
        leftovers = subprocess.run(["pgrep", "-g", str(process.pid)],  # noqa: S607
                                   capture_output=True, text=True).stdout.strip()
        if not leftovers:
            break
        time.sleep(0.5)
    assert leftovers == "", f"processes left running: {leftovers}"
