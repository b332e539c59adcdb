"""Field-service models, one module per sub-domain (visits, reports, repairs, part requests)."""

# parts to site and vendor repairs (f16repair)
from fieldservice.models.parts import PartRequest, PartRequestStatus

# Visits (f16visits): the visit with its check-in proof, and the contract's rules for it.
from fieldservice.models.policy import VisitPolicy
from fieldservice.models.repairs import (
    RepairPolicy,
    RepairReminder,
    RepairStatus,
    RepairUpdate,
    VendorRepair,
)

# service reports (f16report)
from fieldservice.models.reports import (
    NoSignature,
    ReportPolicy,
    ReportStatus,
    ServiceReport,
    ServiceReportPart,
)
from fieldservice.models.visits import LocationCheck, Visit

__all__ = [
    # Visits (f16visits)
    "LocationCheck", "Visit", "VisitPolicy",
    # f16repair
    "PartRequest", "PartRequestStatus", "RepairPolicy", "RepairReminder", "RepairStatus",
    "RepairUpdate", "VendorRepair",
    # service reports (f16report)
    "NoSignature", "ReportPolicy", "ReportStatus", "ServiceReport", "ServiceReportPart",
]
