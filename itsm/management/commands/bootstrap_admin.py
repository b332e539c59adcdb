"""`manage.py bootstrap_admin`: the first administrator, from ITSM_ADMIN_USERNAME,
ITSM_ADMIN_PASSWORD (or ITSM_ADMIN_PASSWORD_FILE, a Docker secret) and ITSM_ADMIN_EMAIL.

The compose stack's migrate service runs it on every start: without ITSM_ADMIN_USERNAME it does
nothing; an account of that name that exists already is left exactly as it is (its password is
never reset, so changing the password in the portal sticks across restarts).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.roles import Role
from itsm.env import env_str
from itsm.settings.base import EXAMPLE_PLACEHOLDER_PREFIX


class Command(BaseCommand):
    help = "Create the administrator named by ITSM_ADMIN_USERNAME unless it exists."

    def handle(self, *args, **options):
        username = env_str("ITSM_ADMIN_USERNAME")
        if not username:
            self.stdout.write(_("ITSM_ADMIN_USERNAME is not set: no administrator to create."))
            return
        password = env_str("ITSM_ADMIN_PASSWORD")
        email = env_str("ITSM_ADMIN_EMAIL", "")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(_("Administrator %(username)s exists: left unchanged.")
                              % {"username": username})
            return
        if not password:
            raise CommandError(_("ITSM_ADMIN_PASSWORD (or ITSM_ADMIN_PASSWORD_FILE) must be set "
                                 "to create the administrator %(username)s.")
                               % {"username": username})
        # The example's placeholder would be a password everyone who read .env.example knows.
        if password.startswith(EXAMPLE_PLACEHOLDER_PREFIX):
            raise CommandError(_("ITSM_ADMIN_PASSWORD is still the placeholder of .env.example."))
        try:
            validate_password(password, User(username=username, email=email, role=Role.ADMIN))
        except ValidationError as exc:
            raise CommandError(_("ITSM_ADMIN_PASSWORD is too weak: %(reasons)s")
                               % {"reasons": " ".join(exc.messages)}) from None
        User.objects.create_superuser(username=username, email=email, password=password,
                                      role=Role.ADMIN)
        self.stdout.write(_("Administrator %(username)s created.") % {"username": username})
