"""Admin for surveys and complaints (see itsm/admin_site.py for who may use it)."""

from surveys import admin_campaigns, admin_complaints, admin_surveys  # noqa: F401
