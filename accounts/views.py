from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.i18n import set_language as django_set_language

from accounts.forms import PeopleSearchForm, ThrottledAuthenticationForm
from accounts.roles import Capability, can
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
