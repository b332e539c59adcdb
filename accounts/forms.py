import logging

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader

from accounts.roles import Capability, can
from accounts.services import (
    LoginThrottled,
    PasswordResetThrottled,
    login_authenticate,
    password_reset_requested,
)
from core.mail import AUTOMATIC_MAIL_HEADERS

logger = logging.getLogger(__name__)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing for a while after repeated failures (django-axes, through
    accounts.services.login_authenticate)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_authenticate(
                    request=self.request, username=username, password=password
                )
            except LoginThrottled as exc:
                raise forms.ValidationError(str(exc), code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin login: the same lockout as the login page (itsm.admin_site). The role decides
    who may enter (as ItsmAdminSite.has_permission does), not Django's is_staff flag."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not can(user, Capability.ADMINISTER):
            raise forms.ValidationError(
                self.error_messages["invalid_login"], code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, refusing more than PASSWORD_RESET_LIMIT requests an hour from one
    client address or for one e-mail address. Requests are counted whether or not a person has
    the address, so neither the refusal nor the "sent" page tells whether it is known."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"class": "form-control", "autofocus": True})

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            password_reset_requested(request=self.request, email=email)
        except PasswordResetThrottled as exc:
            raise forms.ValidationError(str(exc), code="throttled") from None
        return email

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        """Django's message, marked automatic like every other mail the portal sends (RFC 3834),
        so out-of-office robots do not answer the reset link."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email],
                                         headers=dict(AUTOMATIC_MAIL_HEADERS))
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html")
        try:
            message.send()
        except Exception:  # as Django's own form: a mail failure must not tell the address is known
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class ResetSetPasswordForm(SetPasswordForm):
    """Choosing the new password after following the e-mailed link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class PeopleSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)

