import pytest
from django.utils import translation
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level assertions match the English msgids; pages negotiate their own language."""
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as
