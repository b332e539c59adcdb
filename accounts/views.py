from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import (
    PeopleFilterForm,
    PeopleImportForm,
    PersonForm,
    ResetSetPasswordForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordResetForm,
)
from accounts.imports import COLUMNS as IMPORT_COLUMNS
from accounts.imports import people_import
from accounts.permissions import may_manage_people
from accounts.roles import Capability, can
from accounts.security import Kind, record_security_event
from accounts.selectors import people_directory, people_managed_by
from accounts.services import person_add, person_set_active, person_update
from core.errors import ActionRefused
from core.forms import add_service_error


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The demo logins: the project names the callable (settings.LOGIN_PAGE_CONTEXT), because
        # the demo app builds on every app and accounts may import none of them.
        if settings.LOGIN_PAGE_CONTEXT:
            context.update(import_string(settings.LOGIN_PAGE_CONTEXT)(self.request))
        # "Sign in with <provider>" only when OpenID Connect is configured (itsm/settings/sso.py).
        context["sso_provider_name"] = settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""
        return context


class LogoutView(auth_views.LogoutView):
    """Django's logout; a person signed in through an identity provider is then sent to the
    provider's logout, so its session ends too. The sso app builds that address (it builds on
    accounts, so the settings name it: SSO_LOGOUT_URL_CALLABLE)."""

    def post(self, request, *args, **kwargs):
        provider_logout = None
        if settings.SSO_LOGOUT_URL_CALLABLE:
            # Asked before the session, which holds the provider's id token, is flushed.
            provider_logout = import_string(settings.SSO_LOGOUT_URL_CALLABLE)(request)
        response = super().post(request, *args, **kwargs)
        return redirect(provider_logout) if provider_logout else response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an e-mail address; the same "sent" page whether a person has it or not."""

    template_name = "accounts/password_reset_form.html"
    form_class = ThrottledPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    @property
    def extra_email_context(self):
        # Links in the e-mail use the portal's public address, not the request's Host header.
        return {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_security_event(Kind.PASSWORD_RESET, request=self.request, actor=form.user,
                              target=f"person {form.user.get_username()}",
                              details={"step": "done"})
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def people(request):
    """The people directory; with htmx, only the result rows (the desk's caller lookup).
    Administrators and project managers also add, edit, deactivate and import people here."""
    if not can(request.user, Capability.SEE_PEOPLE):
        raise PermissionDenied
    form = PeopleFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {"q": "", "active": ""}
    query, status = cleaned["q"], cleaned["active"]
    active = {"": True, "no": False}.get(status)
    page = Paginator(people_directory(user=request.user, query=query, active=active), 50
                     ).get_page(request.GET.get("page"))
    manages = may_manage_people(request.user)
    managed = set()
    if manages and page.object_list:
        managed = set(people_managed_by(request.user).filter(
            pk__in=[p.pk for p in page.object_list]).values_list("pk", flat=True))
    filters = [(_("Search"), query)] if query else []
    if status:
        filters.append((_("Status"), dict(form.fields["active"].choices)[status]))
    context = {"form": form, "page": page, "query": query, "status": status,
               "manages": manages, "managed": managed, "filters": filters}
    if request.htmx:
        return render(request, "accounts/people.html#results", context)
    return render(request, "accounts/people.html", context)


def _managed_person(request, pk):
    if not may_manage_people(request.user):
        raise PermissionDenied
    person = people_managed_by(request.user).select_related("organisation").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


@login_required
def person_new(request):
    if not may_manage_people(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_add(actor=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(person)s was added.") % {"person": person})
            return redirect("accounts:people")
    return render(request, "accounts/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request, pk):
    person = _managed_person(request, pk)
    initial = {"name": person.name, "role": person.role, "department": person.department_id,
               "site": person.site_id, "phone": person.phone, "employee_no": person.employee_no,
               "email": person.email}
    form = PersonForm(request.POST or None, user=request.user, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person_update(actor=request.user, person=person, **form.cleaned_data)
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(person)s was saved.") % {"person": person})
            return redirect("accounts:people")
    return render(request, "accounts/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_deactivate(request, pk):
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def person_activate(request, pk):
    return _set_active(request, pk, active=True)


def _set_active(request, pk, *, active):
    person = _managed_person(request, pk)
    try:
        person_set_active(actor=request.user, person=person, active=active)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, (_("%(person)s can log in again.") if active else _(
            "%(person)s was deactivated: they can no longer log in; their tickets stay."))
            % {"person": person})
    return redirect("accounts:person_edit", person.pk)


@login_required
def people_import_page(request):
    """All or nothing, like the asset import: the counts, or every error by row and column."""
    if not may_manage_people(request.user):
        raise PermissionDenied
    form = PeopleImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = people_import(actor=request.user,
                                   organisation=form.cleaned_data["organisation"],
                                   file_name=upload.name, data=upload,
                                   dry_run=form.cleaned_data["dry_run"])
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            record_security_event(Kind.IMPORT, request=request, target=f"people {upload.name}",
                                  details={"dry_run": result.dry_run, "rows": result.rows,
                                           "errors": len(result.errors)})
    errors = result.errors if result else []
    return render(request, "accounts/people_import.html", {
        "form": form, "columns": IMPORT_COLUMNS, "result": result,
        "errors_shown": errors[:500], "errors_hidden": max(0, len(errors) - 500),
        "error_count": len(errors)})


def set_language(request):
    """Django's language switch, also remembered on the person for the e-mails they receive."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (request.method == "POST" and user.is_authenticated
            and language in dict(settings.LANGUAGES) and user.language != language):
        user.language = language
        user.save(update_fields=["language"])
    return response
