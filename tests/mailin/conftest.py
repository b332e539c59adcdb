import pytest

from mailin.models import Mailbox
from sla.models import Contract
from tickets.models import ServiceType


@pytest.fixture
def mailbox(demo):
    """The demo desktop contract's mailbox, fed by the pipe (no IMAP host)."""
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    return Mailbox.objects.create(contract=contract,
                                  service_type=ServiceType.objects.filter(active=True).first())
