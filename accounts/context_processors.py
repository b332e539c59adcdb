from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability, capabilities_of, home_url_name

# (label, url name, capability needed or None for everyone logged in, client side only)
_NAV = [
    (_("Report a fault"), "tickets:new", Capability.FILE_TICKETS),
    (_("My tickets"), "tickets:mine", "client_side"),
    (_("Dispatch queue"), "tickets:queue", "queue"),
    (_("Log a call"), "tickets:log_call", Capability.LOG_CALLS),
    (_("SLA board"), "sla:board", "levels"),
    (_("Assets"), "assets:list", Capability.SEE_ASSETS),
    (_("Inspections"), "assets:inspections", "inspections"),
    (_("Inspection report"), "assets:inspection_report", "inspection_report"),
    (_("Spare-part store"), "assets:store", "store"),
    (_("Contracts"), "sla:contract_list", None),
    (_("People"), "accounts:people", Capability.SEE_PEOPLE),
    (_("API"), "api-docs", None),
    (_("Administration"), "admin:index", Capability.ADMINISTER),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    held = capabilities_of(user)
    items = [{"label": _("Home"), "url": reverse(home_url_name(user)), "name": "home"}]
    from assets.inspections import may_read_report, may_see_inspections
    from assets.store_selectors import may_read_store
    from tickets.workflow import may_see_queue

    special = {"client_side": user.is_client_side, "queue": may_see_queue(user),
               "levels": Capability.READ_DASHBOARDS in held or Capability.DISPATCH in held,
               "inspections": may_see_inspections(user),
               # The client's IT contact reads the report; staff reach it from the rounds.
               "inspection_report": user.is_client_side and may_read_report(user),
               "store": may_read_store(user)}
    for label, url_name, capability in _NAV:
        if capability is None or capability in held or special.get(capability):
            items.append({"label": label, "url": reverse(url_name), "name": url_name})
    return {"nav_items": items, "capabilities": held}
