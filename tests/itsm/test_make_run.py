"""`make run` brings up web + worker + beat on the embedded defaults and Ctrl-C stops it all."""

import json
import shutil
import time
import urllib.error
import urllib.request

import pytest

from tests.make_run import MakeRun, free_port, port_is_free

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")]


def test_make_run_serves_the_demo_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    with MakeRun(tmp_path, port, HEARTBEAT_SECONDS="2") as run:
        output = run.output
        assert f"http://127.0.0.1:{port}/" in output, output[-3000:]
        for username in ["admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm",
                         "client", "user", "user2"]:
            assert f"    {username} " in output
        # Where the links in mails point, and where the mails go.
        assert f"Links in mails: http://127.0.0.1:{port}/" in output
        assert str(tmp_path / "mail") in output
        login = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10).read()
        assert "演示账号".encode() in login
        # The embedded worker and beat deliver heartbeats through the filesystem broker.
        heartbeat = {}
        for _attempt in range(40):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                              timeout=10).read()
            except urllib.error.HTTPError as not_ready:  # 503 until the first heartbeat
                body = not_ready.read()
            heartbeat = json.loads(body)["worker"]
            if heartbeat.get("count", 0) >= 1:
                break
            time.sleep(0.5)
        assert heartbeat.get("count", 0) >= 1, heartbeat
        assert (tmp_path / "itsm.sqlite3").exists()
        run.record_family()  # beat's process is up by now too
        # make, the supervisor, runserver and its autoreloaded server, the worker and beat.
        assert len(run.family) >= 5, run.family

    assert "Stopped." in run.output
    # Nothing is left: no process of the run (by pid or by any of its sessions), and the port
    # is free for the next `make run`.
    for _attempt in range(20):
        if not run.leftovers():
            break
        time.sleep(0.25)
    assert run.leftovers() == [], f"processes left running: {run.leftovers()}"
    assert port_is_free(port)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
