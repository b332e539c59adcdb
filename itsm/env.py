"""Reading settings from the environment, failing loudly on values that make no sense.

Every helper raises ``ImproperlyConfigured`` with the variable's name and the offending value, so a
typo such as ``DEBUG=maybe`` stops start-up with one clear line instead of being read as "off".
"""

from __future__ import annotations

import json
import os
import re
import zoneinfo
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.redact import mask_url

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    """NAME's value, or the contents of the file NAME_FILE names (Docker secrets: a password
    never appears in the environment or `docker inspect`). Every reader below goes through here,
    so each setting has its _FILE form; both set at once is refused (which one would win?)."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE", "").strip()
    if file_name:
        if value is not None and value.strip():
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        value = _read_secret_file(f"{name}_FILE", file_name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _read_secret_file(variable: str, file_name: str) -> str:
    try:
        with open(file_name, encoding="utf-8") as secret:
            return secret.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(
            f"{variable} names a file that cannot be read: {file_name!r} "
            f"({exc.__class__.__name__})."
        ) from None


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false, yes/no, on/off, 1/0; got {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Asia/Shanghai; got {value!r}."
        ) from None
    return value


_RATE = re.compile(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)")


def env_rate(name: str, default: str) -> str:
    """A request rate as DRF's throttles read it: a count per s, min, hour or day ("60/min")."""
    value = env_str(name, default)
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a count per second, minute, hour or day such as 60/min; "
            f"got {value!r}."
        )
    return value


_DB_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def env_database(name: str, default: str) -> dict:
    """Parse DATABASE_URL; only PostgreSQL and SQLite are supported."""
    url = env_str(name, default)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must look like postgres://user:password@host:5432/dbname or "
            f"sqlite:////absolute/path.sqlite3; got {_mask(url)!r}."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj-database-url raises several types on malformed URLs
        raise ImproperlyConfigured(f"{name} is not a valid database URL ({exc}).") from None
    if scheme != "sqlite":
        parts = urlsplit(url)
        try:
            parts.port  # noqa: B018 - raises ValueError on a non-numeric port
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} has an invalid port: {_mask(url)!r}."
            ) from None
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} names no database: {_mask(url)!r}.")
    elif not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no SQLite file: {url!r}.")
    return config


_BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory", "amqp", "pyamqp"}


def env_broker_url(value: str, name: str) -> str:
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme not in _BROKER_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must be a broker URL such as redis://127.0.0.1:6379/0; got {_mask(value)!r}."
        )
    if scheme in {"redis", "rediss"}:
        try:
            urlsplit(value).port  # noqa: B018
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port: {_mask(value)!r}.") from None
    return value


def local_url(host: str, port: int | str) -> str:
    """The address a server listening on host:port is reached at from this machine: a
    wildcard listen address (0.0.0.0, ::) is no address to put into a link."""
    if host in {"", "0.0.0.0", "::", "[::]"}:  # noqa: S104 - a listen address, not a bind
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


_mask = mask_url


def env_json_object(name: str) -> dict:
    """A JSON object ({} when unset), e.g. a mapping of directory groups to roles."""
    value = env_str(name)
    if value is None:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON ({exc}).") from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object {{...}}; got {value!r}.")
    return parsed
