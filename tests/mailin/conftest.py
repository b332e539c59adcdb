import pytest

from mailin.models import Mailbox
from sla.models import Contract
from tests.mailin.servers import PASSWORD, USER, Dovecot, SmtpSink
from tickets.models import ServiceType


@pytest.fixture
def mailbox(demo):
    """The demo desktop contract's mailbox, fed by the pipe (no IMAP host)."""
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    return Mailbox.objects.create(contract=contract,
                                  service_type=ServiceType.objects.filter(active=True).first())


@pytest.fixture
def dovecot(settings):
    """A private Dovecot IMAP server over TLS for this test, trusted through its own CA file."""
    server = Dovecot()
    server.start()
    settings.MAILIN_IMAP_CA_FILE = str(server.cert)
    # One worker: other threads' connections cannot see a test's uncommitted rows (the
    # transactional two-poller test turns the workers back on).
    settings.MAILIN_POLL_WORKERS = 1
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_mailbox(mailbox, dovecot, monkeypatch):
    """The desktop contract's mailbox on the private server; the password from the
    environment, as production should keep it."""
    monkeypatch.setenv("MAILIN_TEST_PASSWORD", PASSWORD)
    mailbox.host, mailbox.port, mailbox.use_tls = "127.0.0.1", dovecot.port, True
    mailbox.username, mailbox.password_env = USER, "MAILIN_TEST_PASSWORD"
    mailbox.save()
    return mailbox


@pytest.fixture
def smtp_sink(settings):
    """An aiosmtpd sink as the outgoing mail server."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        sink.stop()
