"""Real servers for the e-mail channel's tests (issue 17, "Tests with real servers"): a private
Dovecot IMAP server over TLS with a throwaway mail store, and an aiosmtpd SMTP sink.

Dovecot runs unprivileged-style from a minimal configuration written to the test's temporary
directory (no system configuration is read or changed), in the foreground (`dovecot -F`) as a
child process the fixture stops; its certificate is self-signed, made with openssl, and the
poller trusts it through MAILIN_IMAP_CA_FILE, so the tests exercise IMAP over TLS as production
does. Debian's dovecot-imapd provides the binary (scripts/system-packages.sh --ci).
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "desk", "mail-test-secret"


def dovecot_available() -> bool:
    return Path(DOVECOT).exists() and shutil.which("openssl") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    def __init__(self):
        # Dovecot's unix sockets live under run/: a path past 108 bytes (pytest's tmp_path under
        # xdist, popen-gwN/<long test name>) cannot be bound, so the server gets a short one.
        self.directory = Path(tempfile.mkdtemp(prefix="dv-", dir="/tmp"))
        self.port = free_port()
        self.cert = self.directory / "cert.pem"
        self.process: subprocess.Popen | None = None
        self.home = self.directory / "home"

    def start(self) -> None:
        d = self.directory
        for sub in ("run", "state", "home"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(d / "key.pem"), "-out", str(self.cert)],
            check=True, capture_output=True)
        uid, gid = os.getuid(), os.getgid()
        user, group = pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name
        self.home = d / "home"
        internal, login = user, user
        if uid == 0:
            # Dovecot never reads mail as root: as root, the mail store belongs to "nobody" in
            # a directory of its own (the test's directory is private to root), and Dovecot's
            # own users (made by the Debian package) run its helpers.
            internal, login = "dovecot", "dovenull"
            nobody = pwd.getpwnam("nobody")
            uid, gid = nobody.pw_uid, nobody.pw_gid
            self.home = Path(tempfile.mkdtemp(prefix="itsm-dovecot-"))
            os.chmod(self.home, 0o755)
        (self.home / "mail").mkdir(exist_ok=True)
        os.chown(self.home / "mail", uid, gid)
        passwd = self.home / "passwd"
        passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        (d / "dovecot.conf").write_text(f"""
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{self.cert}
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {internal}
default_internal_group = {group if internal == user else "dovecot"}
default_login_user = {login}
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
first_valid_gid = {gid}
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.home}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode()} "
                                   f"{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        path = self.directory / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.home != self.directory / "home":
            shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self.directory, ignore_errors=True)

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.cert))
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context, timeout=30)
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Put messages in a folder as a mail server's delivery would (IMAP APPEND)."""
        imap = self.client()
        try:
            for raw in messages:
                status, data = imap.append(folder, None, None, raw.replace(b"\r\n", b"\n")
                                           .replace(b"\n", b"\r\n"))
                assert status == "OK", data
        finally:
            imap.logout()

    def count(self, folder: str) -> int:
        imap = self.client()
        try:
            status, data = imap.select(f'"{folder}"', readonly=True)
            return int(data[0]) if status == "OK" else 0
        finally:
            imap.logout()


class SmtpSink:
    """aiosmtpd on a free port, keeping every message it receives (parsed and raw)."""

    def __init__(self):
        self.raw: list[bytes] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.raw.append(envelope.original_content or envelope.content)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self):
        return [message_from_bytes(raw, policy=policy.default) for raw in self.raw]

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
