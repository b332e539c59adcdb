import pytest

from sla.models import Contract
from tickets.models import ServiceType
from tickets.services import ticket_create


@pytest.fixture
def file_ticket(demo):
    """File a ticket on the desktop contract as `user` (or another requester via the desk)."""

    def _file(requester="user", actor=None, **fields):
        actor = demo[actor or requester]
        fields.setdefault("title", "显示器不亮")
        fields.setdefault("service_type", ServiceType.objects.get(code="hardware"))
        if actor.username != requester:
            fields["requester"] = demo[requester]
        return ticket_create(actor=actor, contract=Contract.objects.get(code="DEMO-DESKTOP"),
                             **fields)

    return _file
