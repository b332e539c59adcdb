"""Admin for assets: Django's autodiscover imports this package, which imports every module
holding registrations (the register, inspections, the store)."""

from assets.admin import inspections, register, store  # noqa: F401 - their registrations
