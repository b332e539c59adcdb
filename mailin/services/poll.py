"""Polling the mailboxes over IMAP (issue 17.1): every minute, each mailbox by one poller at a
time (a lease on its row), each message processed once and then moved to the processed folder.

Order matters: the message is filed and committed first (mail_process), moved second. A crash
in between leaves a filed message in the folder; the next poll finds its row and reports a
duplicate, and moves it then. Moving first would lose the mail if the filing then failed.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q

from core.clock import now
from mailin.models import Mailbox
from mailin.services.intake import mail_process

logger = logging.getLogger(__name__)
FETCH_BATCH = 50
_UID = re.compile(rb"UID (\d+)")


class PollError(Exception):
    """The IMAP server refused a command (login, select, fetch, move)."""


@dataclass
class PollResult:
    mailbox: Mailbox
    seen: int = 0
    outcomes: dict = field(default_factory=dict)
    error: str = ""
    skipped: bool = False


def mailboxes_poll() -> list[PollResult]:
    """The beat job: every active mailbox with an IMAP host."""
    boxes = Mailbox.objects.filter(active=True).exclude(host="").select_related(
        "contract", "service_type")
    return [mailbox_poll(mailbox) for mailbox in boxes]


def _take_lease(mailbox: Mailbox) -> bool:
    moment = now()
    until = moment + timedelta(seconds=settings.MAILIN_LEASE_SECONDS)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=moment)
    if not Mailbox.objects.filter(Q(pk=mailbox.pk) & free).update(lease_until=until):
        return False
    mailbox.lease_until = until
    return True


def _extend_lease(mailbox: Mailbox) -> None:
    until = now() + timedelta(seconds=settings.MAILIN_LEASE_SECONDS)
    Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=until)


def mailbox_poll(mailbox: Mailbox) -> PollResult:
    """Fetch and process every message in the mailbox's folder. Returns at once, skipped, when
    another poller holds the mailbox's lease."""
    result = PollResult(mailbox)
    if not _take_lease(mailbox):
        result.skipped = True
        return result
    started = now()
    try:
        with connect(mailbox) as imap:
            _poll(imap, mailbox, result)
    except (imaplib.IMAP4.error, PollError, OSError, ssl.SSLError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("Mailbox %s: poll failed: %s", mailbox, result.error)
    fields = {"lease_until": None, "last_poll_at": started, "last_error": result.error}
    if not result.error:
        fields["last_success_at"] = started
    Mailbox.objects.filter(pk=mailbox.pk).update(**fields)
    return result


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = settings.MAILIN_IMAP_TIMEOUT
    if mailbox.use_tls:
        context = ssl.create_default_context(cafile=settings.MAILIN_IMAP_CA_FILE or None)
        imap = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=context,
                                 timeout=timeout)
    else:
        imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    try:
        imap.login(mailbox.username, mailbox.secret())
        # The capabilities after login (MOVE, UIDPLUS) are not those of the greeting.
        data = _check(imap.capability(), "capability")
        imap.capabilities = tuple(data[-1].decode().upper().split())
    except Exception:
        imap.shutdown()
        raise
    return imap


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(reply, what: str):
    status, data = reply
    if status != "OK":
        raise PollError(f"{what}: {data!r}")
    return data


def _poll(imap: imaplib.IMAP4, mailbox: Mailbox, result: PollResult) -> None:
    _check(imap.select(_quoted(mailbox.folder)), f"select {mailbox.folder}")
    data = _check(imap.uid("SEARCH", None, "UNDELETED"), "search")
    uids = data[0].split() if data and data[0] else []
    if not uids:
        return
    imap.create(_quoted(mailbox.processed_folder))  # "already exists" is fine
    for start in range(0, len(uids), FETCH_BATCH):
        items = list(_fetch(imap, uids[start:start + FETCH_BATCH]))
        done = _process_batch(mailbox, items, result)
        if done:
            _move(imap, done, mailbox.processed_folder)
        _extend_lease(mailbox)


def _process_batch(mailbox: Mailbox, items: list, result: PollResult) -> list[bytes]:
    """Process fetched messages; returns the UIDs done (to move). With MAILIN_POLL_WORKERS > 1
    several threads share the batch, each on its own database connection: filing a mail is
    mostly waiting for the database, and each message is its own claim and transaction, so
    order between them does not matter (a reply's token exists only after its ticket's mail
    went out, in an earlier poll)."""
    pending = list(items)
    done: list[bytes] = []
    lock = threading.Lock()

    def work(own_connection: bool) -> None:
        try:
            while True:
                with lock:
                    if not pending:
                        return
                    uid, raw = pending.pop(0)
                    result.seen += 1
                try:
                    outcome = mail_process(mailbox=mailbox, raw=raw)
                except Exception:  # a bug on one message must not stop the others; it stays
                    logger.exception("Mailbox %s: message UID %s failed", mailbox,
                                     uid.decode())
                    with lock:
                        result.error = f"message UID {uid.decode()} could not be processed"
                    continue
                key = str(outcome.state)  # the plain value, for figures and logs
                with lock:
                    result.outcomes[key] = result.outcomes.get(key, 0) + 1
                    done.append(uid)
        finally:
            if own_connection:
                connections.close_all()  # this thread's connections only

    workers = min(settings.MAILIN_POLL_WORKERS, len(items))
    threads = [threading.Thread(target=work, args=(True,)) for _ in range(workers - 1)]
    for thread in threads:
        thread.start()
    work(False)  # this thread works too, on its own connection, kept for the next batch
    for thread in threads:
        thread.join()
    return done


def _fetch(imap: imaplib.IMAP4, uids: list[bytes]):
    data = _check(imap.uid("FETCH", b",".join(uids).decode(), "(UID BODY.PEEK[])"), "fetch")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            match = _UID.search(item[0])
            if match:
                yield match.group(1), item[1]


def _move(imap: imaplib.IMAP4, uids: list[bytes], folder: str) -> None:
    """Moved after commit (mail_process committed each message): MOVE where the server has it
    (RFC 6851), else copy, flag deleted and expunge."""
    message_set = b",".join(uids).decode()
    if "MOVE" in imap.capabilities:
        _check(imap.uid("MOVE", message_set, _quoted(folder)), "move")
        return
    _check(imap.uid("COPY", message_set, _quoted(folder)), "copy")
    _check(imap.uid("STORE", message_set, "+FLAGS.SILENT", r"(\Deleted)"), "store")
    if "UIDPLUS" in imap.capabilities:
        _check(imap.uid("EXPUNGE", message_set), "expunge")
    else:
        _check(imap.expunge(), "expunge")
