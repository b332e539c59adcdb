"""A private OpenLDAP server for the LDAP sign-in tests (issue 20, point 7): Debian's slapd
from a configuration and an LDIF written to the test's temporary directory, loaded with
slapadd, serving plain LDAP on a free port of 127.0.0.1 in the foreground as a child process the
fixture stops. No system configuration is read or changed. Debian's `slapd` and `ldap-utils`
provide the binaries (scripts/system-packages.sh --ci).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SCHEMA = Path("/etc/ldap/schema")
BASE = "dc=example,dc=com"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{BASE}", "directory-admin-secret"


def slapd_available() -> bool:
    return (Path(SLAPD).exists() and Path(SLAPADD).exists() and shutil.which("ldapmodify")
            is not None and (SCHEMA / "core.schema").exists())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def person_ldif(uid: str, name: str, password: str) -> str:
    return (f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\n"
            f"sn: {uid}\ndisplayName: {name}\nmail: {uid}@example.com\n"
            f"userPassword: {password}\n")


def group_ldif(cn: str, members: list[str]) -> str:
    # groupOfNames needs one member at least: the admin stands in for an empty group.
    dns = [f"uid={uid},{PEOPLE}" for uid in members] or [ADMIN_DN]
    return (f"dn: cn={cn},{GROUPS}\nobjectClass: groupOfNames\ncn: {cn}\n"
            + "".join(f"member: {dn}\n" for dn in dns))


class Slapd:
    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def config(self) -> Path:
        return self.directory / "slapd.conf"

    def start(self, entries: list[str]) -> None:
        d = self.directory
        (d / "data").mkdir(parents=True, exist_ok=True)
        self.config.write_text(f"""
include {SCHEMA}/core.schema
include {SCHEMA}/cosine.schema
include {SCHEMA}/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {d}/slapd.pid
database mdb
maxsize 10485760
suffix "{BASE}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {d}/data
""")
        tree = (f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\n"
                f"dc: example\n\ndn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n"
                f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n")
        (d / "tree.ldif").write_text("\n".join([tree, *entries]))
        subprocess.run([SLAPADD, "-f", str(self.config), "-l", str(d / "tree.ldif")],
                       check=True, capture_output=True)
        self._serve()

    def _serve(self) -> None:
        # -d 0: stay in the foreground (a child we can stop) without debug output.
        self.process = subprocess.Popen(
            [SLAPD, "-f", str(self.config), "-h", f"{self.uri}/", "-d", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("slapd did not listen within 10 s")

    def modify(self, ldif: str) -> None:
        """Change the directory while it runs (e.g. take someone out of a group)."""
        subprocess.run(["ldapmodify", "-x", "-H", self.uri, "-D", ADMIN_DN, "-w",
                        ADMIN_PASSWORD], input=ldif.encode(), check=True, capture_output=True)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
