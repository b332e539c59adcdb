"""Field-service models, one module per sub-domain (visits, reports, repairs, part requests)."""

# Visits (f16visits): the visit with its check-in proof, and the contract's rules for it.
from fieldservice.models.policy import VisitPolicy
from fieldservice.models.visits import LocationCheck, Visit

__all__ = [
    # Visits (f16visits)
    "LocationCheck", "Visit", "VisitPolicy",
]
