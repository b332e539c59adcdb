"""Admin for field service: Django's autodiscover imports this package, which imports every
module holding registrations (one per sub-domain)."""

# service reports (f16report)
from fieldservice.admin import reports  # noqa: F401 - its registrations
