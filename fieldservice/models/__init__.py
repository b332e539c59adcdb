"""Field-service models, one module per sub-domain (visits, reports, repairs, part requests)."""

from fieldservice.models.visits import LocationCheck, Visit

__all__ = ["LocationCheck", "Visit"]
