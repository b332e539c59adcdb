"""core.history: every model with history reads its history manager through a descriptor that
makes the manager class once; the managers answer as simple-history's do."""

from core.history import HistoryDescriptorOnce
from tests.tickets import conftest as ticket_fixtures
from tickets.models import Ticket

# The tickets' fixtures, for a ticket filed as the tests of tickets/ file them.
desktop, file_ticket = ticket_fixtures.desktop, ticket_fixtures.file_ticket


def test_every_model_with_history_has_it_and_the_class_is_made_once(demo, file_ticket):
    from django.apps import apps

    with_history = [m for m in apps.get_models()
                    if getattr(m._meta, "simple_history_manager_attribute", None)]
    assert len(with_history) >= 20
    for model in with_history:
        assert type(model.__dict__["history"]) is HistoryDescriptorOnce, model
    ticket = file_ticket()
    first, second = ticket.history, ticket.history
    assert type(first) is type(second) and first is not second
    assert first.instance == ticket and Ticket.history.instance is None
    assert [h.history_type for h in ticket.history.all()] == ["+"]
    assert ticket.history.first().number == ticket.number
    assert Ticket.history.filter(id=ticket.pk).count() == 1
    assert ticket.history.most_recent().title == ticket.title
