from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.module_loading import import_string
from django.views.i18n import set_language as django_set_language

from accounts.forms import (
    PeopleSearchForm,
    ResetSetPasswordForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordResetForm,
)
from accounts.roles import Capability, can
from accounts.security import Kind, record_security_event
from accounts.selectors import people_search


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
        return context


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
    """The people directory; with htmx, only the result rows (the desk's caller lookup)."""
    if not can(request.user, Capability.SEE_PEOPLE):
        raise PermissionDenied
    form = PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(people_search(user=request.user, query=query), 50).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "query": query}
    if request.htmx:
        return render(request, "accounts/people.html#results", context)
    return render(request, "accounts/people.html", context)


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
