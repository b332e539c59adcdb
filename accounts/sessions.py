"""Django's database sessions, with the session read by a query compiled once per process.

Every signed-in page starts by reading its session row; Django's database store builds and
compiles that lookup (``Session.objects.get(session_key=…, expire_date__gt=now)``) on every
request: about half of the 0.47 ms of CPU the session's load took per portal filing at
1,000,000 tickets (issue 19). The rows, the cookie, saving, expiry and clearing are Django's;
only the read goes through core.prepared, as the signed-in person's (accounts.backends).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.prepared import PreparedQuery

# Markers no real value equals: a key with a NUL character (keys are letters and digits) and
# an expiry moment in 1901.
SESSION_BY_KEY = PreparedQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key="\x00session", now=datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC))


class SessionStore(db.SessionStore):
    """SESSION_ENGINE = "accounts.sessions": Django's store, its read prepared."""

    def _get_session_from_db(self):
        # As Django's: the unexpired row of this key, else no session (and no key: a new one
        # is made when the session is saved).
        key = self.session_key
        if self.model is Session and key:
            found = SESSION_BY_KEY.models(key=key, now=timezone.now())
            if found:
                return found[0]
            self._session_key = None
            return None
        return super()._get_session_from_db()
