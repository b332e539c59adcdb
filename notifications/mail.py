"""Development e-mail without a mail server: each message a file, each file one log line.

Django's console backend prints whole MIME messages (base64 bodies included), and under the
Celery worker that output lands in the log at WARNING; its file backend appends every message of
a connection to one file. Here each message is a complete `.eml` file under EMAIL_FILE_PATH
(var/mail/), which any mail client opens, and the log says in one INFO line who got what where.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from core.clock import now
from core.mail import AUTOMATIC_MAIL_HEADERS  # noqa: F401  (re-exported for the outbox)

logger = logging.getLogger(__name__)



class FileEmailBackend(BaseEmailBackend):
    def __init__(self, *, file_path=None, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            try:
                path = self._write(message)
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            logger.info("mail to %s: %s → %s", ", ".join(recipients), message.subject, path)
            sent += 1
        return sent

    def _write(self, message) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Sortable by time, unique across the web server and the worker writing at once.
        stamp = timezone.localtime(now()).strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        # Written under a temporary name and renamed, so a reader never sees half a message.
        partial = path.with_suffix(".part")
        partial.write_bytes(message.message().as_bytes(linesep="\n"))
        os.replace(partial, path)
        return path
