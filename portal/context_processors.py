"""The menu bar: each entry shown to the people who may open it (the portal reads every app)."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Capability, capabilities_of, home_url_name
from assets.permissions import may_read_report, may_read_store, may_see_inspections
from knowledge.selectors.problems import may_read as may_read_problems
from kpi.permissions import has_own_scorecards, is_manager
from tickets.permissions import may_see_queue

# (label, url name, capability needed or None for everyone logged in, or a special rule below);
# a (label, [entries]) pair is a drop-down menu, shown when any of its entries is.
_NAV = [
    (_("Report a fault"), "tickets:new", Capability.FILE_TICKETS),
    (_("My tickets"), "tickets:mine", "client_side"),
    # The menu fits one line at 1280 px in English too: the longest labels are short there.
    (pgettext_lazy("navigation", "Queue"), "tickets:queue", "queue"),
    (_("Log a call"), "tickets:log_call", Capability.LOG_CALLS),
    (_("SLA board"), "sla:board", "levels"),
    (_("Assets"), [
        (_("Asset register"), "assets:list", Capability.SEE_ASSETS),
        (_("Inspections"), "assets:inspections", "inspections"),
        (_("Inspection report"), "assets:inspection_report", "inspection_report"),
        (_("Spare-part store"), "assets:store", "store"),
    ]),
    (pgettext_lazy("navigation", "Quality"), [
        (_("Complaints"), "surveys:complaints", "complaints"),
        (_("Callbacks"), "surveys:callbacks", Capability.LOG_CALLS),
        (_("Satisfaction analysis"), "surveys:analysis", Capability.READ_DASHBOARDS),
        (_("Questionnaire campaigns"), "surveys:campaign_list", Capability.RUN_CAMPAIGNS),
    ]),
    # Knowledge: articles, problems, changes and maintenance notices (issue 18); one drop-down
    # so the English menu still fits one row at 1280 px.
    (pgettext_lazy("navigation", "Knowledge"), [
        (_("Knowledge base"), "knowledge:list", None),
        (_("Problems"), "knowledge:problems", "problems"),
        (_("Changes"), "knowledge:changes", "problems"),
        (_("Maintenance notices"), "knowledge:notices", None),
        (_("Maintenance calendar"), "knowledge:notice_calendar", None),
    ]),
    (_("Performance"), [
        (_("KPI dashboard"), "kpi:dashboard", Capability.READ_DASHBOARDS),
        (_("Service reports"), "kpi:reports", Capability.READ_DASHBOARDS),
        (_("Engineer scorecards"), "kpi:scorecards", "scorecards"),
        (_("My scorecards"), "kpi:my_scorecard", "my_scorecards"),
        (_("Knowledge deflection"), "knowledge:deflection",  # articles (k18kb)
         Capability.READ_DASHBOARDS),
    ]),
    (_("Contracts"), "sla:contract_list", None),
    # The rarer destinations in one drop-down: the English menu fits one row at 1280 px.
    (pgettext_lazy("navigation", "More"), [
        (_("People"), "accounts:people", Capability.SEE_PEOPLE),
        (_("API"), "api-docs", None),
        (pgettext_lazy("navigation", "Admin"), "admin:index", Capability.ADMINISTER),
    ]),
]


def navigation(request):
    """The menu's entries (``nav_items``, worked out only when a page shows the menu: an htmx
    fragment does not) and the capabilities the templates test."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": MenuEntries(user), "capabilities": capabilities_of(user)}


class MenuEntries:
    """The entries shown to `user`, built on first use (the menu of base.html; a callable,
    which the template language calls when it resolves the variable) and kept for the request."""

    def __init__(self, user):
        self.user = user
        self.items: list[dict] | None = None

    def __call__(self) -> list[dict]:
        if self.items is None:
            self.items = menu_entries(self.user)
        return self.items


def menu_entries(user) -> list[dict]:
    held = capabilities_of(user)
    items = [{"label": _("Home"), "url": url_of(home_url_name(user)), "name": "home"}]
    special = {"client_side": user.is_client_side, "queue": may_see_queue(user),
               "levels": Capability.READ_DASHBOARDS in held or Capability.DISPATCH in held,
               "inspections": may_see_inspections(user),
               # The client's IT contact reads the report; staff reach it from the rounds.
               "inspection_report": user.is_client_side and may_read_report(user),
               "store": may_read_store(user),
               "scorecards": is_manager(user),
               # Provider staff who are scored read their own (managers reach theirs too).
               "my_scorecards": has_own_scorecards(user) and not is_manager(user),
               # End users follow (and file) their own complaints there too.
               "complaints": bool({Capability.MANAGE_COMPLAINTS, Capability.READ_DASHBOARDS,
                                   Capability.FILE_TICKETS} & held),
               "problems": may_read_problems(user)}  # issue 18, k18chg

    def shown(capability) -> bool:
        return capability is None or capability in held or bool(special.get(capability))

    for label, target, *rest in _NAV:
        if isinstance(target, list):
            children = [{"label": child, "url": url_of(name), "name": name}
                        for child, name, capability in target if shown(capability)]
            if children:
                items.append({"label": label, "children": children, "name": str(label)})
        elif shown(rest[0]):
            items.append({"label": label, "url": url_of(target), "name": target})
    return items


def url_of(name: str) -> str:
    """reverse(name) for the menu's fixed URLs, worked out once per process (per script prefix
    and URL configuration): the menu's 20-odd reverse() calls were a fifth of a small page's
    CPU (bench/README.md, issue 19)."""
    return _url_of(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.cache
def _url_of(name: str, _prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)
