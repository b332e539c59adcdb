import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from tests.demo_cache import load_demo_cached


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Demo logins hash ten passwords; the production hasher would make that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    """Cached values and holiday calendars: every test starts with none (a
    rolled-back test could otherwise leave its holiday rows cached for the next)."""
    from sla.holidays import calendar_days_clear

    cache.clear()
    calendar_days_clear()
    yield
    cache.clear()
    calendar_days_clear()


@pytest.fixture(autouse=True)
def _every_mail_is_marked_automatic():
    """Every mail any test makes the portal send says it is automatic (RFC 3834's
    Auto-Submitted, Exchange's X-Auto-Response-Suppress), so no out-of-office robot answers
    it and no auto-reply loop starts (issue 14)."""
    before = {id(message) for message in getattr(mail, "outbox", [])}
    yield
    for message in getattr(mail, "outbox", []):
        if id(message) in before:
            continue
        headers = message.message()
        assert headers["Auto-Submitted"] == "auto-generated", message.subject
        assert headers["X-Auto-Response-Suppress"] == "All", message.subject


@pytest.fixture
def demo(db, request):
    """The demo installation: two clients, their contracts and one login per role.

    The demo is dated from the clock (contracts begin months before "now"), so a test whose story
    happens on fixed dates says when the demo was loaded with ``@pytest.mark.demo_at(moment)``:
    the demo is then built as of that moment, whatever today's date is (the suite must pass with
    the clock moved years ahead). The test's own clock is left alone.
    """
    marker = request.node.get_closest_marker("demo_at")
    if marker is None:
        load_demo_cached()
    else:
        with time_machine.travel(marker.args[0], tick=False):
            load_demo_cached()
    from accounts.models import User

    return {u.username: u for u in User.objects.all()}


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
    # Publishing reuses pooled connections made for the URL of the time; start afresh. kombu's
    # global pools are keyed by URL too: reset them, or the closed pool of the real URL would be
    # handed to the next test that publishes ("Acquire on closed pool").
    from kombu import pools

    pools.reset()
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def login(client):
    """Log the test client in as a user (no password round trip)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright keeps an event loop in the main thread until the end
    of the session, which Django's async-safety check would see in every later test."""
    items.sort(key=lambda item: "/e2e/" in str(item.path).replace("\\", "/"))


@pytest.fixture
def scope_edge_people(demo):
    """The demo with the people at the edges of the visibility rules: a project manager of
    DEMO-SERVER only (returned), an end user without an organisation, an inactive person."""
    from accounts.models import User
    from sla.models import Contract

    manager_only = User.objects.create(username="pm-only", role="project_manager",
                                       organisation=demo["pm"].organisation)
    Contract.objects.filter(code="DEMO-SERVER").update(project_manager=manager_only)
    User.objects.create(username="no-org", role="end_user")
    User.objects.filter(username="gaojie").update(is_active=False)
    return manager_only
