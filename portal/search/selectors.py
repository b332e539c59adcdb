"""What a search finds, scoped to the caller through each app's selector, best first.

Matching is literal (Django escapes %, _ and backslashes in contains lookups) and served on
PostgreSQL by trigram indexes (tickets 0008, accounts 0004, surveys 0005, assets 0002) and, for
two-character terms, the tickets' bigram index (tickets 0011); on SQLite by FTS5 trigram tables
for the tickets (tickets/search_fts.py). Tickets
are ranked on PostgreSQL by full-text rank ('simple' configuration: English words, weighted
title over description) plus trigram similarity of the title (Chinese substrings), among the
newest SEARCH_CANDIDATES matches so a vague term never ranks a million rows; on SQLite by where
the term occurs. The query count does not depend on how much is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import Case, FloatField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from accounts.selectors import people_search
from assets.selectors.register import assets_visible_to
from core.errors import InvalidInput
from knowledge.selectors.articles import article_search_ranked, articles_visible_to
from surveys.selectors.complaints import complaints_visible_to
from tickets.models import Entry, Ticket
from tickets.selectors import SEARCH_TIMELINE_MIN, ticket_search, tickets_visible_to

KINDS = ("ticket", "asset", "complaint", "person", "article")
Q_MIN, Q_MAX = 2, 200
SEARCH_CANDIDATES = 100
SNIPPET_CHARS = 120


@dataclass(frozen=True)
class Result:
    kind: str
    id: int
    title: str
    snippet: str
    url: str
    number: str | None = None

    def as_dict(self) -> dict:
        row = {"kind": self.kind, "id": self.id, "title": self.title, "snippet": self.snippet,
               "url": self.url}
        if self.kind in ("ticket", "complaint"):
            row["number"] = self.number
        return row


def clean_query(q: str | None, kind: str | None = None) -> tuple[str, str]:
    """The term and kind as search takes them; InvalidInput (400) naming the field otherwise."""
    term = (q or "").strip()
    if len(term) < Q_MIN:
        raise InvalidInput(_msg_short(), field="q", code="too_short")
    if len(term) > Q_MAX:
        raise InvalidInput(_msg_long(), field="q", code="too_long")
    kind = (kind or "").strip()
    if kind and kind not in KINDS:
        raise InvalidInput(_msg_kind(), field="kind", code="invalid_choice")
    return term, kind


def search(*, user, q: str, kind: str = "", limit: int = 10) -> list[Result]:
    """Up to ``limit`` results per kind for an already cleaned term (clean_query), grouped in
    the order tickets, assets, complaints, people; best first within each kind. ``article``
    finds knowledge articles (knowledge.selectors.articles)."""
    results: list[Result] = []
    for name, finder in FINDERS:
        if kind and kind != name:
            continue
        results.extend(finder(user, q, limit))
    return results


def snippet(text: str, term: str, width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first occurrence of ``term`` (plain
    text; the page escapes it and marks the term)."""
    text = " ".join((text or "").split())
    at = text.lower().find(term.lower())
    if at < 0 or len(text) <= width:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, at - width // 3)
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


# Tickets ------------------------------------------------------------------------------------

def _tickets(user, q: str, limit: int) -> list[Result]:
    matched = ticket_search(tickets_visible_to(user), q, user=user)
    ids = list(matched.order_by("-created_at", "-pk").values_list("pk", flat=True)
               [:SEARCH_CANDIDATES])
    if not ids:
        return []
    tickets = Ticket.objects.filter(pk__in=ids).only(
        "pk", "number", "title", "description", "created_at")
    if connection.vendor == "postgresql":
        tickets = tickets.annotate(rank=_pg_rank(q)).order_by("-rank", "-created_at", "-pk")
        found = list(tickets[:limit])
    else:
        found = sorted(tickets, key=lambda t: (_py_rank(t, q), t.created_at, t.pk),
                       reverse=True)[:limit]
    lines = _timeline_lines(user, q, [t.pk for t in found])
    return [Result(kind="ticket", id=t.pk, number=t.number, title=t.title,
                   snippet=_ticket_snippet(t, q, lines.get(t.pk, "")),
                   url=reverse("tickets:detail", args=[t.number])) for t in found]


def _pg_rank(q: str):
    vector = (SearchVector("title", weight="A", config="simple")
              + SearchVector("description", weight="B", config="simple"))
    number_hit = Case(When(number__contains=q, then=Value(1.0)), default=Value(0.0),
                      output_field=FloatField())
    return (SearchRank(vector, SearchQuery(q, config="simple", search_type="plain"))
            + TrigramSimilarity("title", q) + number_hit)


def _py_rank(ticket: Ticket, q: str) -> float:
    term = q.lower()
    return (4.0 * (term in ticket.number) + 2.0 * (term in ticket.title.lower())
            + 1.0 * (term in ticket.description.lower()))


def _timeline_lines(user, q: str, ids: list[int]) -> dict[int, str]:
    """For tickets found through their timeline: one matching line each (one query)."""
    if not ids or len(q) < SEARCH_TIMELINE_MIN:
        return {}
    entries = Entry.objects.filter(ticket_id__in=ids, body__icontains=q)
    if user.is_client_side:
        entries = entries.filter(internal=False)
    lines: dict[int, str] = {}
    for ticket_id, body in entries.order_by("created_at").values_list("ticket_id", "body"):
        lines.setdefault(ticket_id, body)
    return lines


def _ticket_snippet(ticket: Ticket, q: str, line: str) -> str:
    term = q.lower()
    if term in ticket.description.lower() or not line:
        return snippet(ticket.description, q)
    return snippet(line, q) if term in line.lower() else snippet(ticket.description, q)


# Assets, complaints, people -------------------------------------------------------------------

def _assets(user, q: str, limit: int) -> list[Result]:
    assets = (assets_visible_to(user)
              .filter(Q(tag__icontains=q) | Q(serial__icontains=q) | Q(name__icontains=q)
                      | Q(model__icontains=q))
              .only("pk", "tag", "name", "serial", "model", "location")
              .order_by("tag", "pk")[:limit])
    return [Result(kind="asset", id=a.pk, title=" ".join(filter(None, [a.tag, a.name])),
                   snippet=" · ".join(filter(None, [a.model, a.serial, a.location])),
                   url=reverse("assets:detail", args=[a.pk])) for a in assets]


def _complaints(user, q: str, limit: int) -> list[Result]:
    complaints = (complaints_visible_to(user)
                  .filter(Q(number__contains=q) | Q(complainant_name__icontains=q)
                          | Q(description__icontains=q))
                  .only("pk", "number", "complainant_name", "description", "received_at")
                  .order_by("-received_at", "-pk")[:limit])
    return [Result(kind="complaint", id=c.pk, number=c.number, title=c.complainant_name,
                   snippet=snippet(c.description, q),
                   url=reverse("surveys:complaint_detail", args=[c.number]))
            for c in complaints]


def _people(user, q: str, limit: int) -> list[Result]:
    if user.is_client_side or not can(user, Capability.SEE_PEOPLE):  # staff only
        return []
    people = people_search(user=user, query=q, limit=limit)
    directory = reverse("accounts:people")
    return [Result(kind="person", id=p.pk, title=p.display_name,
                   snippet=" · ".join(filter(None, [p.phone, getattr(p.organisation, "name", ""),
                                                    getattr(p.department, "name", "")])),
                   url=f"{directory}?{urlencode({'q': p.display_name})}") for p in people]


def _articles(user, q: str, limit: int) -> list[Result]:
    found = article_search_ranked(articles_visible_to(user), q, limit=limit)
    return [Result(kind="article", id=a.pk, title=a.title, snippet=snippet(a.symptom, q),
                   url=reverse("knowledge:detail", args=[a.pk])) for a in found]


FINDERS = [("ticket", _tickets), ("asset", _assets), ("complaint", _complaints),
           ("person", _people), ("article", _articles)]


def _msg_short():
    return _("Type at least %(n)d characters to search.") % {"n": Q_MIN}


def _msg_long():
    return _("A search can be at most %(n)d characters.") % {"n": Q_MAX}


def _msg_kind():
    return _("Search tickets, assets, complaints, people or articles.")

