from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render

from accounts.forms import PeopleSearchForm, ThrottledAuthenticationForm
from accounts.models import Organisation, User
from accounts.roles import ROLE_HOME, Capability, Role, can, home_url_name
from accounts.selectors import people_search
from itsm.demo import DEMO_PASSWORD, PEOPLE
from itsm.services import demo_is_loaded
from sla.selectors import contract_list

# The demo accounts that can log in, in the order the login page lists them.
DEMO_LOGINS = [(username, role) for username, _name, role, *_rest, login in PEOPLE if login]


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SHOW_DEMO_LOGINS and demo_is_loaded():
            context["demo_logins"] = [(name, Role(role).label) for name, role in DEMO_LOGINS]
            context["demo_password"] = DEMO_PASSWORD
        return context


@login_required
def home(request):
    """Send each role to its own home page."""
    return redirect(home_url_name(request.user))


def role_home(url_name: str):
    """Only the roles whose home this is (and administrators) may open it."""
    roles = {role for role, name in ROLE_HOME.items() if name == url_name}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles and not can(request.user, Capability.ADMINISTER):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _contracts_with_status(user):
    return list(contract_list(user=user).annotate(team_size=Count("members", distinct=True)))


@role_home("accounts:home_portal")
def home_portal(request):
    from tickets.selectors import my_tickets

    return render(request, "accounts/home_portal.html", {
        "contracts": _contracts_with_status(request.user),
        "tickets": my_tickets(user=request.user).filter(requester=request.user)[:5],
    })


@role_home("accounts:home_client")
def home_client(request):
    contracts = _contracts_with_status(request.user)
    return render(request, "accounts/home_client.html",
                  {"contracts": contracts, "glance": _glance(contracts)})


@role_home("accounts:home_desk")
def home_desk(request):
    from tickets.selectors import QueueFilters, ticket_queue

    form = PeopleSearchForm(request.GET or None)
    return render(request, "accounts/home_desk.html", {
        "contracts": _contracts_with_status(request.user), "form": form,
        "tickets": ticket_queue(user=request.user,
                                filters=QueueFilters(view="unassigned"))[:10],
    })


@role_home("accounts:home_engineer")
def home_engineer(request):
    from tickets.selectors import QueueFilters, ticket_queue

    return render(request, "accounts/home_engineer.html", {
        "contracts": _contracts_with_status(request.user),
        "tickets": ticket_queue(user=request.user, filters=QueueFilters(view="mine"))[:20],
    })


@role_home("accounts:home_manager")
def home_manager(request):
    from assets.selectors import warranty_expiring

    contracts = _contracts_with_status(request.user)
    return render(request, "accounts/home_manager.html", {
        "contracts": contracts,
        "active_count": sum(1 for c in contracts if c.active),
        "ending_soon": [c for c in contracts if c.active and c.days_left <= 60],
        "warranties": warranty_expiring(user=request.user, limit=10),
        "warranty_days": settings.WARRANTY_NOTICE_DAYS,
        "glance": _glance([c for c in contracts if c.active]),
    })


def _glance(contracts) -> list[dict]:
    """This month's key figures per contract (kpi/glance.py), for the roles that read them."""
    from django.utils import timezone

    from core.clock import now
    from kpi.glance import month_glance

    if not contracts:
        return []
    return month_glance(contracts, today=timezone.localdate(now()))


@role_home("accounts:home_admin")
def home_admin(request):
    from itsm.health import system_status

    people_by_role = dict(
        User.objects.values_list("role").annotate(n=Count("pk")).values_list("role", "n")
    )
    return render(request, "accounts/home_admin.html", {
        "status": system_status(),
        "people_by_role": [(label, people_by_role.get(value, 0)) for value, label in Role.choices],
        "organisations": Organisation.objects.annotate(n=Count("people")).order_by("kind", "name"),
        "contracts": _contracts_with_status(request.user),
    })


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
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (request.method == "POST" and user.is_authenticated
            and language in dict(settings.LANGUAGES) and user.language != language):
        user.language = language
        user.save(update_fields=["language"])
    return response
