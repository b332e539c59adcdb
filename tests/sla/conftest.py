from datetime import date

import pytest


@pytest.fixture
def demo(demo):
    """The demo, with contracts in force over the fixed dates these tests travel to (the demo's
    own periods follow today's date)."""
    from sla.models import Contract

    Contract.objects.update(starts_on=date(2025, 1, 1), ends_on=date(2030, 12, 31))
    return demo
