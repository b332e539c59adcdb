"""What ticket screens ask of the apps built on tickets (core.hooks): `assets` provides the
device lists and the store panel, `surveys` the survey link. Without them (an installation
without those apps) the screens simply show no devices, no store panel and no survey."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from core.hooks import Hook
from tickets.models import Ticket


def no_assets(user=None):
    # The asset model is whatever Ticket.asset points to (tickets names it only by string).
    return Ticket._meta.get_field("asset").related_model.objects.none()


# assets_held_by(user) -> QuerySet: the devices the person holds (the portal form's choices).
assets_held_by = Hook("tickets.assets_held_by", no_assets)
# assets_reportable_by(user) -> QuerySet: every device the person may report a fault on.
assets_reportable_by = Hook("tickets.assets_reportable_by", no_assets)
# ticket_page_context(user=, ticket=) -> dict: extra context for the ticket page (parts, loans).
ticket_page_context = Hook("tickets.ticket_page_context", lambda *, user, ticket: {})
# survey_prompt(user=, ticket=, absolute=True) -> str | None: the open survey's link for the
# requester.
survey_prompt = Hook("tickets.survey_prompt",
                     lambda *, user, ticket, absolute=True: None)
# field service, vendor repairs and parts to site (f16repair)
# repairs_panel(request=, ticket=) -> str: the ticket page's panel of vendor repairs (送修) and
# part requests with their buttons (rendered HTML, "" when there is nothing to show).
repairs_panel = Hook("tickets.repairs_panel", lambda *, request, ticket: "")
# mail_thread(ticket) -> dict: how e-mail about the ticket threads (mailin provides it): the
# subject tag with the reply token, the Reply-To address and the thread's Message-ID, under the
# keys subject_tag, reply_to and thread_id. Without mailin, no tag and no thread headers.
mail_thread = Hook("tickets.mail_thread", lambda ticket: {})


# --- field service: visits and check-in proof (issue 16, f16visits) ---------------------------
def _no_proof_needed(*, actor, ticket, moment, proof) -> None:
    """Without fieldservice a check-in records no visit; proof sent anyway is simply unused."""


# check_in_recorded(actor=, ticket=, moment=, proof=) -> None: called inside the check-in's
# transaction with the proof (latitude, longitude, accuracy, scanned_tag, photo: an Attachment
# or None); it writes the visit and may raise InvalidInput/ActionRefused to refuse (and so roll
# back) the check-in.
check_in_recorded = Hook("tickets.check_in_recorded", _no_proof_needed)
# ticket_visits(user=, ticket=) -> list: the ticket's visits the user may read, objects with
# the attributes tickets.api.TicketVisitSerializer reads (GET /api/tickets/{id}/ `visits`).
ticket_visits = Hook("tickets.ticket_visits", lambda *, user, ticket: [])
# ticket_visits_context(user=, ticket=) -> dict: the visits panel of the ticket page
# (templates/fieldservice/_ticket_visits.html reads it).
ticket_visits_context = Hook("tickets.ticket_visits_context", lambda *, user, ticket: {})

# --- field service: customer service reports (f16report) ----------------------------------------
# resolve_allowed(ticket=) -> str | None: why the ticket may not be resolved yet (the contract
# requires a signed service report for on-site work), or None. The resolve service refuses
# with the message (409).
resolve_allowed = Hook("tickets.resolve_allowed", lambda *, ticket: None)
# service_reports_context(user=, ticket=) -> dict: the ticket page's service reports panel.
service_reports_context = Hook("tickets.service_reports_context",
                               lambda *, user, ticket: {})
# --- problems, changes, notices (issue 18, k18chg) ---
# ticket_consent_panel(user=, ticket=) -> str: the knowledge app's consent panel (HTML, escaped
# by its template): the consents asked on the ticket and, for staff, the "ask" link.
ticket_consent_panel = Hook("tickets.ticket_consent_panel", lambda *, user, ticket: "")


# --- the ticket page's panels: nothing to show, no query (issue 19) ---------------------------
class PanelFlags:
    """Whether the ticket has rows the page's panels show, asked in the page's one ticket query.

    Several apps add panels to the ticket page. Each names here the relations its panel lists
    (the ``related_name`` of their foreign key to the ticket, e.g. ``visits``); the page reads
    the ticket with one ``EXISTS`` per relation (tickets.page.ticket_page_get), and a panel
    whose relation is empty skips its query. A ticket read any other way carries no flags:
    ``has`` then answers True and the panel queries as before.

    The flags are raw SQL written once from the models' tables: as ORM ``Exists`` expressions
    a dozen of them cost more to compile on every request than the queries they save."""

    PREFIX = "panel_has_"

    def __init__(self):
        self._relations: set[str] = set()
        self._sql: dict[str, str] | None = None

    def add(self, *relations: str) -> None:
        for name in relations:
            Ticket._meta.get_field(name)  # a typo fails at start-up, not on every page
            self._relations.add(name)
        self._sql = None

    def annotations(self) -> dict:
        """The flags to annotate on a query of ``tickets_ticket`` itself (not a subquery: the
        SQL names the table)."""
        if self._sql is None:
            self._sql = {self.PREFIX + name: self._exists(name)
                         for name in sorted(self._relations)}
        # Table and column names from the models, quoted; no value from outside.
        return {alias: RawSQL(sql, (), output_field=BooleanField())  # noqa: S611
                for alias, sql in self._sql.items()}

    @staticmethod
    def _exists(name: str) -> str:
        quote = connection.ops.quote_name
        relation = Ticket._meta.get_field(name)
        return (f"EXISTS (SELECT 1 FROM {quote(relation.related_model._meta.db_table)} "  # noqa: S608
                f"WHERE {quote(relation.field.column)} = "
                f"{quote(Ticket._meta.db_table)}.{quote(Ticket._meta.pk.column)})")

    def has(self, ticket, name: str) -> bool:
        return getattr(ticket, self.PREFIX + name, True)


panel_flags = PanelFlags()
