"""Admin for surveys and complaints (see itsm/admin_site.py for who may use it)."""

from surveys.admin import campaigns, complaints, ticket_surveys  # noqa: F401
