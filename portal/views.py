"""Each role's home page: the one place that reads every app to show a person their day."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.forms import PeopleSearchForm
from accounts.models import Organisation, User
from accounts.roles import ROLE_HOME, Capability, Role, can, home_url_name
from assets.selectors.register import warranty_expiring
from core.clock import now
from core.health import system_status
from core.replicas import replica_reads
from kpi.glance import month_glance
from mailin.selectors import mailbox_health, message_list
from sla.selectors import contract_list
from tickets.selectors import QueueFilters, my_tickets, ticket_queue
from tickets.selectors_table import for_table


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


def _glance(contracts) -> list[dict]:
    """This month's key figures per contract (kpi/glance.py), for the roles that read them."""
    if not contracts:
        return []
    return month_glance(contracts, today=timezone.localdate(now()))


@role_home("portal:home_portal")
def home_portal(request):
    return render(request, "portal/home_portal.html", {
        "contracts": _contracts_with_status(request.user),
        "tickets": for_table(my_tickets(user=request.user).filter(requester=request.user))[:5],
    })


@role_home("portal:home_client")
def home_client(request):
    contracts = _contracts_with_status(request.user)
    return render(request, "portal/home_client.html",
                  {"contracts": contracts, "glance": _glance(contracts)})


@role_home("portal:home_desk")
def home_desk(request):
    form = PeopleSearchForm(request.GET or None)
    return render(request, "portal/home_desk.html", {
        "contracts": _contracts_with_status(request.user), "form": form,
        "tickets": for_table(ticket_queue(user=request.user,
                                          filters=QueueFilters(view="unassigned")))[:10],
        # Held mail and pending contributions (capped: a badge, not a report).
        "mail_waiting": message_list(user=request.user)[:100].count(),
    })


@role_home("portal:home_engineer")
def home_engineer(request):
    return render(request, "portal/home_engineer.html", {
        "contracts": _contracts_with_status(request.user),
        "tickets": for_table(ticket_queue(user=request.user,
                                          filters=QueueFilters(view="mine")))[:20],
    })


@role_home("portal:home_manager")
@replica_reads
def home_manager(request):
    contracts = _contracts_with_status(request.user)
    return render(request, "portal/home_manager.html", {
        "contracts": contracts,
        "active_count": sum(1 for c in contracts if c.active),
        "ending_soon": [c for c in contracts if c.active and c.days_left <= 60],
        "warranties": warranty_expiring(user=request.user, limit=10),
        "warranty_days": settings.WARRANTY_NOTICE_DAYS,
        "glance": _glance([c for c in contracts if c.active]),
        "as_of": now(), "live": True,
    })


@role_home("portal:home_manager")
@replica_reads
def manager_figures(request):
    """The figures card alone, for the home page to poll: today's figures are live."""
    contracts = [c for c in contract_list(user=request.user) if c.active]
    return render(request, "kpi/_glance.html", {"glance": _glance(contracts), "as_of": now(),
                                                "live": True})


@role_home("portal:home_admin")
def home_admin(request):
    people_by_role = dict(
        User.objects.values_list("role").annotate(n=Count("pk")).values_list("role", "n")
    )
    return render(request, "portal/home_admin.html", {
        "status": system_status(),
        "people_by_role": [(label, people_by_role.get(value, 0)) for value, label in Role.choices],
        "organisations": Organisation.objects.annotate(n=Count("people")).order_by("kind", "name"),
        "contracts": _contracts_with_status(request.user),
        "mailboxes": mailbox_health(),
    })
