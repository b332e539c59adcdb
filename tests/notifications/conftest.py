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


@pytest.fixture
def dead_broker():
    """Point Celery at a closed port for the duration of the test."""
    from itsm.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    _drop_connection_pools(app)
    try:
        yield
    finally:
        app.conf.broker_url = original
        _drop_connection_pools(app)


def _drop_connection_pools(app):
    # Publishing reuses pooled connections made for the URL of the time; start afresh.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
