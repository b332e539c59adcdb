"""Admin for field service: Django's autodiscover imports this package, which imports every
module holding registrations (one per sub-domain)."""

# service reports (f16report)
# vendor repairs, parts to site and visits (f16repair, f16visits)
from fieldservice.admin import (
    repairs_visits,  # noqa: F401 - its registrations
    reports,  # noqa: F401 - its registrations
)
