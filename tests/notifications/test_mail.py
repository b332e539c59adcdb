"""Development mail: each message one .eml file under var/mail/ and one INFO log line."""

import email
import email.policy
import logging
import os

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

BACKEND = "notifications.mail.FileEmailBackend"


def test_it_writes_each_message_to_its_own_file_and_logs_one_line(tmp_path, caplog):
    connection = get_connection(BACKEND, file_path=tmp_path / "mail")
    messages = []
    for n in range(2):
        message = EmailMultiAlternatives(f"工单 2026-00000{n} 已受理", f"正文 {n}\nhttp://x/",
                                         "itsm@localhost", [f"user{n}@example.com"],
                                         connection=connection)
        message.attach_alternative(f"<p>正文 {n}</p>", "text/html")
        messages.append(message)
    with caplog.at_level(logging.INFO, logger="notifications.mail"):
        assert connection.send_messages(messages) == 2

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
              for f in files]
    assert sorted(m["To"] for m in parsed) == ["user0@example.com", "user1@example.com"]
    assert {m.get_body(("plain",)).get_content().splitlines()[0] for m in parsed} == \
        {"正文 0", "正文 1"}
    lines = [r for r in caplog.records if r.name == "notifications.mail"]
    assert [r.levelno for r in lines] == [logging.INFO, logging.INFO]
    assert "mail to user0@example.com: 工单 2026-000000 已受理 →" in lines[0].getMessage()
    assert "Content-Type" not in caplog.text  # no MIME dump in the log
    assert not list((tmp_path / "mail").glob("*.part"))


@pytest.mark.skipif(bool(os.environ.get("EMAIL_HOST") or os.environ.get("EMAIL_BACKEND")),
                    reason="mail is configured in this environment")
def test_it_is_the_default_without_a_mail_server():
    # The suite itself sends through Django's locmem backend; the configured one is kept here.
    from itsm import settings as configured

    assert configured.EMAIL_BACKEND == BACKEND
    assert configured.EMAIL_FILE_PATH == configured.VAR_DIR / "mail"
