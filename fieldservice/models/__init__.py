"""Field-service models, one module per sub-domain (visits, reports, repairs, part requests)."""

# parts to site and vendor repairs (f16repair)
from fieldservice.models.parts import PartRequest, PartRequestStatus
from fieldservice.models.repairs import (
    RepairPolicy,
    RepairReminder,
    RepairStatus,
    RepairUpdate,
    VendorRepair,
)
from fieldservice.models.visits import LocationCheck, Visit

__all__ = ["LocationCheck", "Visit",
           # f16repair
           "PartRequest", "PartRequestStatus", "RepairPolicy", "RepairReminder", "RepairStatus",
           "RepairUpdate", "VendorRepair"]
