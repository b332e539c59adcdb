"""The web container's health check: GET /healthz/live, exit 0 on 200 and 1 otherwise.

Sent with a Host header taken from ALLOWED_HOSTS, so the check passes whatever names the
deployer allows (Django refuses a Host it does not list with 400, and 127.0.0.1 rarely is one),
and with X-Forwarded-Proto: https, as the TLS proxy sends it (no redirect to https). Standard
library only: it runs every 30 seconds and must not load Django.

    python scripts/healthcheck.py [URL]     (default http://127.0.0.1:8000/healthz/live)
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz/live"


def allowed_host(setting: str) -> str:
    """A name Django's ALLOWED_HOSTS accepts: the first entry, a leading-dot (subdomain) entry
    as its domain itself, "*" as localhost."""
    for entry in (item.strip() for item in setting.split(",")):
        if not entry:
            continue
        if entry == "*":
            return "localhost"
        return entry.lstrip(".")
    return "localhost"


def main(url: str) -> int:
    request = urllib.request.Request(url, headers={  # noqa: S310 - the check's own http URL
        "Host": allowed_host(os.environ.get("ALLOWED_HOSTS", "")),
        "X-Forwarded-Proto": "https",
    })
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - as above
            healthy = response.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL))
