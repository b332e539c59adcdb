"""A private S3-compatible server for the storage tests: moto's server mode (`moto_server`) on a
free port, with one bucket, and the settings the portal reads to use it (STORAGE_BACKEND=s3).

The process runs in a session of its own and is killed with its group when the test ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import boto3

from tests.faults.stack import port_open, wait_for
from tests.make_run import free_port

ROOT = Path(__file__).resolve().parents[1]
ACCESS_KEY = "itsm-test"
SECRET_KEY = "itsm-test-secret"  # noqa: S105 - moto accepts any credentials
REGION = "us-east-1"


def moto_server_binary() -> str | None:
    return shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which(
        "moto_server")


class MotoServer:
    def __init__(self):
        self.port = free_port()
        self.bucket = f"itsm-{uuid.uuid4().hex[:12]}"
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> MotoServer:
        self.process = subprocess.Popen(  # noqa: S603
            [moto_server_binary(), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: port_open(self.port) or self.process.poll() is not None, 60,
                 interval=0.1, what="moto_server")
        assert self.process.poll() is None, "moto_server exited at start"
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name=REGION)

    def object_names(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def environment(self, prefix: str = "media") -> dict[str, str]:
        """The portal's settings for this server, as an operator writes them in .env."""
        return {"STORAGE_BACKEND": "s3", "S3_BUCKET": self.bucket,
                "S3_ENDPOINT_URL": self.endpoint, "S3_REGION": REGION,
                "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "S3_ADDRESSING_STYLE": "path", "S3_PREFIX": prefix}


def storages_for(environment: dict[str, str], tmp_path: Path) -> dict:
    """settings.STORAGES as the settings package builds it from this environment (read in a
    fresh interpreter, so the test uses exactly what a deployment would)."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.STORAGES))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "STORAGE_"))}
    env.update(environment, ITSM_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="itsm.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])
