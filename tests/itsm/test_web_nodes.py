"""Two stateless web nodes (issue 20.4): two gunicorn processes on two ports sharing the
database, a Redis server and an S3 object store (moto), each with a local folder of its own.

A person logs in on node A, uploads an attachment there, and downloads it from node B with the
same session cookie; neither node keeps the file on its disk.
"""

import contextlib
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection

from tests.faults.stack import RedisServer, missing_binaries, wait_for
from tests.make_run import free_port
from tests.objectstore import MotoServer, moto_server_binary
from tests.tickets.test_attachment_viewer import photo_bytes
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Two-nodes-" + "x" * 12

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(missing_binaries()) or moto_server_binary() is None,
                       reason="needs redis-server, gunicorn and moto_server "
                              "(scripts/system-packages.sh, pip install 'moto[server]')"),
]


def _test_database_url() -> str:
    db = connection.settings_dict
    return (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}")


class Node:
    """One gunicorn process with a var/ folder of its own (no shared disk)."""

    def __init__(self, name: str, var_dir: Path, environment: dict[str, str]):
        self.name = name
        self.var_dir = var_dir
        self.port = free_port()
        self.log = var_dir / "gunicorn.log"
        var_dir.mkdir()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "itsm.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"],
                cwd=ROOT, env={**environment, "ITSM_VAR_DIR": str(var_dir)},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def request(self, method: str, path: str, *, body: bytes = b"",
                headers: dict | None = None) -> http.client.HTTPResponse:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        client.request(method, path, body=body, headers=headers or {})
        response = client.getresponse()
        response.content = response.read()
        client.close()
        return response

    def ready(self) -> bool:
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
        try:
            self.request("GET", "/healthz")  # any answer: the broker may still be starting
        except OSError:
            return False
        return True

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stored_files(self) -> list[Path]:
        media = self.var_dir / "media"
        return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


class Browser:
    """Cookies by hand: both nodes are 127.0.0.1, so the one cookie header goes to either."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def remember(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def headers(self, **extra) -> dict:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, **extra}


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.django_db(transaction=True)
def test_it_serves_a_file_uploaded_on_one_node_from_the_other(demo, settings, tmp_path):
    # The gunicorn processes check passwords with the production hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    desk = demo["desk"]
    desk.set_password(PASSWORD)
    desk.save(update_fields=["password"])
    ticket = Ticket.objects.filter(requester=demo["user"]).order_by("pk").first()

    redis = RedisServer()
    redis.start()
    nodes: list[Node] = []
    try:
        with MotoServer() as moto:
            environment = {k: v for k, v in os.environ.items()
                           if k not in {"DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL",
                                        "EMAIL_BACKEND", "MEDIA_ROOT"}}
            environment.update(moto.environment())
            environment.update({
                "DATABASE_URL": _test_database_url(), "REDIS_URL": redis.url,
                "CACHE_URL": redis.url[:-1] + "1", "DEBUG": "false",
                # The one thing besides the services the nodes must share: signed cookies and
                # session hashes are made with it.
                "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false", "PYTHONUNBUFFERED": "1",
            })
            nodes = [Node(name, tmp_path / name, environment) for name in ("a", "b")]
            node_a, node_b = nodes
            for node in nodes:
                wait_for(node.ready, 120, interval=0.3, what=f"gunicorn {node.name}")

            browser = Browser()
            # A CSRF secret of the client's making is what Django accepts from a new visitor
            # (no page is rendered: DEBUG=false pages need collected static files).
            browser.cookies["csrftoken"] = secrets.token_hex(16)
            login = node_a.request(
                "POST", "/login/",
                body=(f"username=desk&password={PASSWORD}"
                      f"&csrfmiddlewaretoken={browser.cookies['csrftoken']}").encode(),
                headers=browser.headers(**{"Content-Type": "application/x-www-form-urlencoded"}))
            assert login.status == 302, login.content[-2000:]
            browser.remember(login)
            assert "sessionid" in browser.cookies

            content = photo_bytes()
            body, content_type = _multipart({"note": "两节点"}, "file", "两节点.jpg", content)
            upload = node_a.request(
                "POST", f"/api/tickets/{ticket.pk}/attachments/", body=body,
                headers=browser.headers(**{"Content-Type": content_type,
                                           "X-CSRFToken": browser.cookies["csrftoken"],
                                           "Accept": "application/json"}))
            assert upload.status == 201, upload.content[-2000:]
            attachment_id = json.loads(upload.content)[0]["id"]

            for path in (f"/api/attachments/{attachment_id}/",
                         f"/tickets/attachments/{attachment_id}/"):
                download = node_b.request("GET", path, headers=browser.headers())
                assert download.status == 200, (path, download.content[-500:])
                assert download.content == content
            anonymous = node_b.request("GET", f"/api/attachments/{attachment_id}/")
            assert anonymous.status == 401

            stored = ticket.attachments.get(pk=attachment_id).storage_name
            assert f"media/{stored}" in moto.object_names()
            assert node_a.stored_files() == [] and node_b.stored_files() == []
    finally:
        for node in nodes:
            node.stop()
        redis.stop()
