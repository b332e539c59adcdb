"""The two OpenID Connect pages: the start of the sign-in and the provider's callback.

Both answer 404 when OIDC is not configured. A provider that cannot be reached, a refused or
forged answer: the login page again, with a message, and the reason in the itsm.sso log.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from sso.oidc import ProviderUnavailable, oidc_setting

log = logging.getLogger("itsm.sso")


def _failed(request):
    messages.error(request, _("Signing in with %(provider)s did not succeed. Try again, or ask "
                              "your administrator.") % {"provider": settings.OIDC_PROVIDER_NAME})
    return redirect(settings.LOGIN_URL)


class OidcLoginView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        # The library reads the provider's endpoint here; dispatch() does, once OIDC is known
        # to be on and with the provider's failures answered.
        View.__init__(self, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as exc:
            log.warning("OIDC sign-in not started: %s", exc)
            return _failed(request)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().dispatch(request, *args, **kwargs)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, ProviderUnavailable) as exc:
            log.warning("OIDC sign-in refused: %s", exc)
            return self.login_failure()

    def login_failure(self):
        return _failed(self.request)
