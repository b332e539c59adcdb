"""Deployment settings (issue 20): what a compose stack or a PgBouncer in front of PostgreSQL
needs beyond the framework part (itsm/settings/__init__.py lists the parts).

The gunicorn knobs live in gunicorn.conf.py and the first administrator's account in
`manage.py bootstrap_admin`: neither is a Django setting.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from itsm.env import env_bool
from itsm.settings.base import DATABASES, DEBUG, EXAMPLE_PLACEHOLDER_PREFIX, SECURE_HSTS_SECONDS

# The compose file builds DATABASE_URL from POSTGRES_PASSWORD: the example's value would be a
# database password everyone who read .env.example knows.
if not DEBUG and (DATABASES["default"].get("PASSWORD") or "").startswith(
        EXAMPLE_PLACEHOLDER_PREFIX):
    raise ImproperlyConfigured(
        "The database password (POSTGRES_PASSWORD, DATABASE_URL) is still the placeholder of "
        ".env.example; set a random one, e.g. the output of: "
        "python3 -c 'import secrets; print(secrets.token_hex(24))'")

# PgBouncer in transaction pooling hands each transaction to any server connection, so a cursor
# declared by one query is gone when the next FETCH lands elsewhere: streamed exports (CSV, which
# read with .iterator()) ended after their header row. On, Django fetches in client-side chunks.
# Server-side parameter binding stays off (Django's default), so psycopg prepares nothing either.
if not DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DISABLE_SERVER_SIDE_CURSORS", False)

# HSTS (base.py) is off unless SECURE_HSTS_SECONDS is set: once sent, browsers refuse plain http
# to the host (and with its subdomains flag, to every subdomain) for that long, so it is a choice
# a deployer makes for the whole domain, often in the TLS proxy (NetBox's default as well).
# `check --deploy` would warn about the deliberate default.
SILENCED_SYSTEM_CHECKS = ["security.W004"] if not DEBUG and not SECURE_HSTS_SECONDS else []
