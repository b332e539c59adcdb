"""The reply token that threads a mail onto its ticket (issue 17.3).

A token is the ticket's number plus a per-ticket secret: an HMAC of the number under a key of
this installation (MAILIN_TOKEN_KEY, else SECRET_KEY). Knowing a ticket's number — it is printed
on reports and said on the phone — is not enough to add to the ticket by mail; the secret is
only in the mails the portal sent about it. Derived, not stored, so every mail about a ticket
carries the same token and no table row is needed. Rotating the key retires the old tokens (a
reply to an old mail is then held for the desk, never threaded blindly).

In the subject: ``[#2026-000123-k3f9x2ab]``; in the address: ``desk+2026-000123-k3f9x2ab@…``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.utils import DNS_NAME

SECRET_CHARS = 8
_TOKEN = r"(?P<number>\d{4}-\d{6,})-(?P<secret>[a-z2-7]{" + str(SECRET_CHARS) + "})"
SUBJECT_TOKEN = re.compile(r"\[#" + _TOKEN + r"\]", re.IGNORECASE)
ADDRESS_TOKEN = re.compile(r"\+" + _TOKEN + r"@", re.IGNORECASE)


def _key() -> bytes:
    return (getattr(settings, "MAILIN_TOKEN_KEY", "") or settings.SECRET_KEY).encode()


def secret_for(number: str) -> str:
    digest = hmac.new(_key(), f"mailin.reply:{number}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:SECRET_CHARS]


def token_for(number: str) -> str:
    return f"{number}-{secret_for(number)}"


def subject_tag(number: str) -> str:
    return f"[#{token_for(number)}]"


def reply_address(number: str) -> str:
    """The desk's address with the token as its plus part, or "" when no desk address is set."""
    desk = getattr(settings, "MAILIN_REPLY_TO", "")
    if not desk or "@" not in desk:
        return ""
    local, domain = desk.rsplit("@", 1)
    return f"{local}+{token_for(number)}@{domain}"


def thread_id(number: str) -> str:
    """The ticket's conversation: one Message-ID every mail about it refers to."""
    domain = urlsplit(getattr(settings, "SITE_URL", "")).hostname or DNS_NAME.get_fqdn()
    return f"<ticket-{number}@{domain}>"


def found_token(*texts: str) -> str | None:
    """The ticket number of the first token with a valid secret in the subject or addresses;
    None when there is none (a token with a wrong secret counts as none)."""
    for text in texts:
        for pattern in (SUBJECT_TOKEN, ADDRESS_TOKEN):
            for match in pattern.finditer(text or ""):
                number = match.group("number")
                if hmac.compare_digest(match.group("secret").lower(), secret_for(number)):
                    return number
    return None


def thread_of(ticket) -> dict:
    """The tickets.mail_thread hook: what every mail about the ticket carries."""
    return {"subject_tag": subject_tag(ticket.number), "reply_to": reply_address(ticket.number),
            "thread_id": thread_id(ticket.number)}
