"""Field-service models, one module per sub-domain (visits, reports, repairs, part requests)."""

# service reports (f16report)
from fieldservice.models.reports import (  # noqa: E402,I001
    NoSignature,
    ReportPolicy,
    ReportStatus,
    ServiceReport,
    ServiceReportPart,
)
from fieldservice.models.visits import LocationCheck, Visit

__all__ = ["LocationCheck", "Visit"]
# service reports (f16report)
__all__ += ["NoSignature", "ReportPolicy", "ReportStatus", "ServiceReport", "ServiceReportPart"]
