"""The demo logins on the login page (settings.LOGIN_PAGE_CONTEXT names this; accounts does not
import demo)."""

from django.conf import settings

from accounts.roles import Role
from core.state import demo_is_loaded
from demo.data import DEMO_PASSWORD, PEOPLE

# The demo accounts that can log in, in the order the login page lists them.
DEMO_LOGINS = [(username, role) for username, _name, role, *_rest, login in PEOPLE if login]


def login_page_context(request) -> dict:
    if not (settings.SHOW_DEMO_LOGINS and demo_is_loaded()):
        return {}
    return {"demo_logins": [(name, Role(role).label) for name, role in DEMO_LOGINS],
            "demo_password": DEMO_PASSWORD}
