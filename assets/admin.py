"""Admin for assets (see itsm/admin_site.py for who may use it)."""
