"""What the ticket page reads (issue 19): the ticket with what it shows in one query, flags
that spare the panels their queries when they have nothing to show, and the action forms built
only when the template renders them."""

from __future__ import annotations

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from core.planner import one_row_as_written
from core.prepared import PreparedPrefetch, PreparedQuery
from sla.models import Clock
from tickets import forms, hooks
from tickets.models import Ticket
from tickets.selectors import (
    resolution_template_for,
    sees_tickets_by_contract,
    staff_ticket_read,
    tickets_visible_to,
)
from tickets.workflow import action_help, action_label

# The page shows these with the ticket. One join (people, contract, reference rows), no more:
# every relation added to it costs the planner time on each request (bench/README.md).
PAGE_RELATED = ["contract", "service_type", "category__parent", "requester", "assignee",
                "logged_by", "site", "asset"]


# Whether the ticket's category, or its parent, has a resolution template (resolution_template_for
# reads it only then). Raw SQL for the reason given in tickets.hooks.PanelFlags.
RESOLUTION_TEMPLATE_SQL = (
    'EXISTS (SELECT 1 FROM "tickets_resolutiontemplate" r WHERE r."category_id" IN '
    '("tickets_ticket"."category_id", (SELECT c."parent_id" FROM "tickets_category" c '
    'WHERE c."id" = "tickets_ticket"."category_id")))')


def _page_tickets(tickets, number: str):
    """The ticket of `tickets` found by its number with what its page shows: the relations it
    shows joined, the panels' flags (tickets.hooks.panel_flags: links, files and the other
    apps' panels) and whether its category has a resolution template."""
    return (tickets.select_related(*PAGE_RELATED)
            .annotate(**hooks.panel_flags.annotations(),
                      has_resolution_template=RawSQL(  # noqa: S611 - a constant
                          RESOLUTION_TEMPLATE_SQL, (), output_field=BooleanField()))
            .filter(number=number))


# Compiled once per process (core.prepared): building and compiling it took 2.8 ms of CPU on
# each request at 1,000,000 tickets, running it under 1 ms. The marker holds a NUL character,
# which no ticket number can (PostgreSQL refuses it in text).
# No visibility filter in it: its shape, and so its SQL, is the same for everyone.
PAGE_QUERY = PreparedQuery(lambda number: _page_tickets(Ticket.objects.all(), number),
                           number="\x00ticket-page-number")
PAGE_CLOCKS = PreparedPrefetch(
    "clocks", lambda: Clock.objects.select_related("calendar").order_by("pk"))


def ticket_page_get(*, user, number: str) -> Ticket:
    """The ticket the user may see, for its page: what the page shows (_page_tickets), and its
    clocks with their calendars. Two queries, planned with the joins in the order written
    (core.planner: found by its number, the ticket is one row, and searching join orders cost
    14 ms of a 15 ms query).

    The provider's staff see a ticket by its contract alone, so their ticket is read by number
    with the prepared query and its contract checked apart (tickets.selectors.staff_ticket_read,
    by the rule of tickets_visible_to). An end user's ticket is read through tickets_visible_to
    itself."""
    if sees_tickets_by_contract(user):
        ticket = staff_ticket_read(PAGE_QUERY, user=user, prefetch=(PAGE_CLOCKS,), number=number)
    else:
        ticket = one_row_as_written(_page_tickets(tickets_visible_to(user), number)
                                    .prefetch_related(PAGE_CLOCKS.as_prefetch()))
    if ticket is None:
        raise Ticket.DoesNotExist(number)
    return ticket


ACTION_FORMS = {
    # One tap on a phone for the common steps; notes go in a reply if needed.
    "accept": None, "claim": None, "dispatch": forms.DispatchForm,
    "check_in": forms.CheckInForm, "pend": forms.PendForm, "resume": None,
    "resolve": forms.ResolveForm, "escalate": forms.EscalateForm, "confirm": None,
    "reopen": forms.ReasonForm, "cancel": forms.OptionalReasonForm,
}
TICKET_FORMS = {forms.DispatchForm, forms.EscalateForm}


def action_form(action: str, ticket: Ticket, data=None, files=None, *,
                has_children: bool = True):
    """The form a transition takes (None: a bare button); some need the ticket's team. The
    resolve form starts from the category's resolution template, if it has one, and offers to
    resolve the children only when the ticket has some."""
    form_class = ACTION_FORMS[action]
    if form_class is None:
        return None
    kwargs = {"ticket": ticket} if form_class in TICKET_FORMS else {}
    if action == "resolve" and data is None and getattr(ticket, "has_resolution_template",
                                                         True):
        template = resolution_template_for(ticket=ticket)
        if template is not None:
            kwargs["initial"] = {"code": template.code, "notes": template.notes}
    form = form_class(data, files, auto_id=f"id_{action}_%s", **kwargs)
    if action == "resolve" and not has_children:
        del form.fields["resolve_children"]
    return form


class ActionRow:
    """One button of the actions card; its form (and the queries its choices need) is built
    when the template first reads it, so an action shown as a bare button builds nothing."""

    def __init__(self, name: str, ticket: Ticket, *, has_children: bool):
        self.name, self.ticket, self.has_children = name, ticket, has_children
        self.label = action_label(name, ticket)
        self.help = action_help(name, ticket)
        self.has_form = ACTION_FORMS[name] is not None

    @cached_property
    def form(self):
        return action_form(self.name, self.ticket, has_children=self.has_children)
