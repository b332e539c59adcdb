import pytest

from tests.factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(email="wang.fang@mingyuan.example")


@pytest.fixture
def published(monkeypatch):
    """Ids handed to the broker: the edge is mocked, so no message lands in var/broker."""
    from notifications.tasks import deliver

    ids = []
    monkeypatch.setattr(deliver, "apply_async", lambda args, **options: ids.append(args[0]))
    return ids
