import logging

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Site
from accounts.permissions import roles_grantable_by
from accounts.roles import Capability, Role, can
from accounts.selectors import organisations_managed_by
from accounts.services import (
    LoginThrottled,
    PasswordResetThrottled,
    login_authenticate,
    password_reset_requested,
)
from core.forms import BootstrapForm
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



# --- managing people (issue 15, point 11) -----------------------------------------------------

class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.name}"


class PlaceChoiceField(forms.ModelChoiceField):
    """A department or site, named with its organisation (several clients have a 信息部)."""

    def label_from_instance(self, obj):
        return f"{obj.organisation.code} · {obj.name}"


class PersonForm(BootstrapForm):
    """Adding (with organisation and username) or editing a person. It parses input only:
    accounts.services decides who may give which role to whom."""

    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=None,
                                           to_field_name="code")
    username = forms.CharField(label=_("Username"), max_length=150, required=False,
                               help_text=_("Left blank, one is made from the organisation "
                                           "and the employee number or phone."))
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=())
    department = PlaceChoiceField(label=_("Department"), queryset=None, required=False)
    site = PlaceChoiceField(label=_("Site"), queryset=None, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    employee_no = forms.CharField(label=_("Employee number"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations_managed_by(user)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles_grantable_by(user)]
        if person is None:
            self.fields["organisation"].queryset = organisations.order_by("kind", "name")
            organisation_ids = organisations.values("pk")
        else:
            del self.fields["organisation"]
            del self.fields["username"]
            organisation_ids = [person.organisation_id]
        self.fields["department"].queryset = Department.objects.filter(
            organisation_id__in=organisation_ids).select_related("organisation").order_by(
            "organisation__code", "name")
        self.fields["site"].queryset = Site.objects.filter(
            organisation_id__in=organisation_ids).select_related("organisation").order_by(
            "organisation__code", "name")


class PeopleImportForm(BootstrapForm):
    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=None,
                                           to_field_name="code")
    file = forms.FileField(
        label=_("File"), help_text=_("An .xlsx workbook or a .csv file (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    dry_run = forms.BooleanField(
        label=_("Check only (import nothing)"), required=False,
        help_text=_("Reads and checks every row and reports what would change."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_managed_by(user).order_by(
            "kind", "name")


class PeopleFilterForm(forms.Form):
    """The people page's search and its active/deactivated filter."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    active = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Active")), ("no", _("Deactivated")), ("all", _("All"))])
