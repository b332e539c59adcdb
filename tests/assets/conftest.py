import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level assertions match the English msgids; pages still negotiate their own
    language per request (Chinese first), which the page tests rely on."""
    with translation.override("en"):
        yield
