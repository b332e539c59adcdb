"""Reads of knowledge articles, scoped by role and contract: pages, the API, the global search,
the deflection panel and the KPI share these.

Who sees what (X2): client-side people (end users, the client contact) read published public
articles of their contracts (or of none: shared articles); provider staff read every state and
visibility of the contracts they work on (all contracts for the managers who see all).

Search: a term of two or more characters matches articles whose title, symptom, cause or
solution (Chinese or English) contains it. On PostgreSQL the bigram GIN index (knowledge 0001)
finds the candidates, so a two-character Chinese word reads the index and not the table; the
first SEARCH_CANDIDATES matches the index yields are ranked by full-text rank ('simple'
configuration, title over symptom), trigram similarity of the title and a bonus for the term in
the title.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from accounts.roles import Capability, can
from knowledge.models import (
    Article,
    ArticleStatus,
    ArticleVote,
    Deflection,
    TicketArticle,
    Visibility,
)
from sla.selectors import contracts_visible_to

SEARCH_CANDIDATES = 50
TERM_MIN, TERM_MAX = 2, 200
TEXT_FIELDS = ("title", "symptom", "cause", "solution", "title_en", "symptom_en", "cause_en",
               "solution_en")
# Every searchable field in one text, newline between fields so no word matches across two.
_DOCUMENT = Concat(*[part for f in TEXT_FIELDS for part in (F(f), Value("\n"))][:-1],
                   output_field=TextField())
_BIGRAMS_SQL = ("itsm_article_bigrams({}) @> %s::text[]"
                .format(", ".join(f'"knowledge_article"."{f}"' for f in TEXT_FIELDS)))


def may_read_all_states(user) -> bool:
    """Provider staff read drafts, reviews, retired and internal articles (of their contracts)."""
    return getattr(user, "is_authenticated", False) and user.is_active \
        and not user.is_client_side


def articles_visible_to(user) -> QuerySet[Article]:
    articles = Article.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return articles.none()
    if not user.is_client_side:
        if can(user, Capability.SEE_ALL_CONTRACTS):
            return articles
        return articles.filter(Q(contract__isnull=True) | Q(contract_id__in=list(
            contracts_visible_to(user).values_list("pk", flat=True))))
    return published_public(articles).filter(Q(contract__isnull=True) | Q(contract_id__in=list(
        contracts_visible_to(user).values_list("pk", flat=True))))


def published_public(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)


def article_get(*, user, pk: int) -> Article:
    """One article the user may read, with what its page shows; Article.DoesNotExist otherwise."""
    return (articles_visible_to(user)
            .select_related("author", "reviewed_by", "contract", "service_type", "category",
                            "source_ticket")
            .get(pk=pk))


def for_list(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.select_related("author", "contract", "category", "service_type")


# --- search ---------------------------------------------------------------------------------------

def bigrams(term: str) -> list[str]:
    """The distinct two-character pieces of the upper-cased term, none spanning whitespace: the
    same pieces itsm_article_bigrams() indexes (knowledge 0001)."""
    text = term.upper()
    return sorted({text[i:i + 2] for i in range(len(text) - 1)
                   if not any(ch.isspace() for ch in text[i:i + 2])})


def terms_of(query: str) -> list[str]:
    """The words of a query that can be searched (two characters or more), at most five."""
    return [w for w in query.split() if len(w) >= TERM_MIN][:5]


def article_search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Articles containing every word of ``query`` (case-insensitive, literal)."""
    words = terms_of(query)
    if not words:
        return articles.none()
    for word in words:
        if connection.vendor != "postgresql":
            contains = Q()
            for field in TEXT_FIELDS:
                contains |= Q(**{f"{field}__icontains": word})
            articles = articles.filter(contains)
            continue
        pairs = bigrams(word)
        # The index condition narrows to the candidates. A two-character word is one bigram,
        # so containing it is exactly what the index answers; a longer word is rechecked on
        # the text (one upper() LIKE over the fields joined by newlines, which no word spans).
        # RawSQL: a fixed SQL text (the indexed expression); the bigrams are a bound parameter.
        articles = articles.filter(RawSQL(_BIGRAMS_SQL, (pairs,),  # noqa: S611
                                          output_field=BooleanField()))
        if len(word) > 2:
            articles = articles.alias(_doc=_DOCUMENT).filter(_doc__icontains=word)
    return articles


def article_search_ranked(articles: QuerySet[Article], query: str, *,
                          limit: int = 20) -> list[Article]:
    """The best ``limit`` matches of ``query`` among ``articles``, best first."""
    matched = article_search(articles, query)
    # The first SEARCH_CANDIDATES matches in the index's order, unsorted: the scan stops there,
    # so a word in thousands of articles costs what a rare one does (bench/README.md).
    ids = list(matched.order_by().values_list("pk", flat=True)[:SEARCH_CANDIDATES])
    if not ids:
        return []
    found = for_list(Article.objects.filter(pk__in=ids))
    if connection.vendor == "postgresql":
        return list(found.annotate(rank=_pg_rank(query))
                    .order_by("-rank", "-updated_at", "-pk")[:limit])
    return sorted(found, key=lambda a: (_py_rank(a, query), a.updated_at, a.pk),
                  reverse=True)[:limit]


def _pg_rank(query: str):
    # Title over symptom; the longer cause and solution bodies only decide whether it matches
    # (vectorising them for every candidate doubled the time of a search at 50,000 articles).
    vector = (SearchVector("title", "title_en", weight="A", config="simple")
              + SearchVector("symptom", "symptom_en", weight="B", config="simple"))
    in_title = Value(0.0, output_field=FloatField())
    for word in terms_of(query):
        in_title = in_title + Case(
            When(Q(title__icontains=word) | Q(title_en__icontains=word), then=Value(1.0)),
            default=Value(0.0), output_field=FloatField())
    return (SearchRank(vector, SearchQuery(query, config="simple", search_type="plain"))
            + TrigramSimilarity("title", query) + in_title)


def _py_rank(article: Article, query: str) -> float:
    score = 0.0
    for word in terms_of(query):
        term = word.lower()
        score += 2.0 * (term in article.title.lower() or term in article.title_en.lower())
        score += 1.0 * (term in article.symptom.lower() or term in article.symptom_en.lower())
        score += 0.5 * (term in article.solution.lower() or term in article.solution_en.lower())
    return score


def deflection_candidates(*, user, title: str, limit: int = 5) -> list[Article]:
    """What the portal form offers while an end user types a title: published public articles
    (whoever asks), the user's contracts only."""
    return article_search_ranked(published_public(articles_visible_to(user)), title,
                                 limit=limit)


def suggested_for_ticket(*, user, ticket, limit: int = 5) -> list[Article]:
    """Articles an engineer may try on a ticket: matches of its title among the published ones
    of its contract, then the newest published of its category when the title finds nothing."""
    published = articles_visible_to(user).filter(status=ArticleStatus.PUBLISHED).filter(
        Q(contract__isnull=True) | Q(contract_id=ticket.contract_id))
    found = article_search_ranked(published, ticket.title, limit=limit)
    if len(found) < limit and ticket.category_id:
        more = for_list(published.filter(category_id=ticket.category_id)
                        .exclude(pk__in=[a.pk for a in found])
                        .order_by("-published_at", "-pk"))[:limit - len(found)]
        found.extend(more)
    return found


def ticket_article(ticket) -> TicketArticle | None:
    return (TicketArticle.objects.select_related("article", "linked_by")
            .filter(ticket_id=ticket.pk).first())


# --- the desk's weekly review queue ---------------------------------------------------------------

def review_queue(*, user) -> QuerySet[Article]:
    """Articles waiting for review, oldest submission first (the index article_review_queue)."""
    return (for_list(articles_visible_to(user).filter(status=ArticleStatus.REVIEW))
            .order_by("submitted_at", "pk"))


def weeks_of(articles) -> list[tuple[str, list[Article]]]:
    """Group a review queue by the ISO week each article was submitted in (seed 001: engineers
    submit weekly)."""
    weeks: dict[str, list[Article]] = {}
    for article in articles:
        year, week, _day = article.submitted_at.isocalendar()
        weeks.setdefault(f"{year} W{week:02d}", []).append(article)
    return list(weeks.items())


# --- votes and counts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ArticleCounts:
    helpful: int
    not_helpful: int
    deflections: int
    tickets: int
    my_vote: bool | None


def article_counts(*, user, article: Article) -> ArticleCounts:
    votes = ArticleVote.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
    mine = ArticleVote.objects.filter(article=article, user=user).values_list(
        "helpful", flat=True).first() if user.is_authenticated else None
    return ArticleCounts(helpful=votes["yes"], not_helpful=votes["no"],
                         deflections=Deflection.objects.filter(article=article).count(),
                         tickets=TicketArticle.objects.filter(article=article).count(),
                         my_vote=mine)


# --- KPI (issue 18.2): deflection per contract and the articles that deflect most -------------

@dataclass(frozen=True)
class ContractDeflection:
    contract_id: int
    code: str
    name: str
    deflections: int
    tickets_resolved_with_article: int


def deflection_by_contract(*, user, start: datetime, end: datetime) -> list[ContractDeflection]:
    """Deflections and tickets resolved with an article per contract the user may see, in
    [start, end)."""
    contracts = contracts_visible_to(user).order_by("code")
    deflected = dict(Deflection.objects.filter(
        contract__in=contracts, created_at__gte=start, created_at__lt=end)
        .values("contract_id").annotate(n=Count("pk")).values_list("contract_id", "n"))
    used = dict(TicketArticle.objects.filter(
        ticket__contract__in=contracts, created_at__gte=start, created_at__lt=end)
        .values("ticket__contract_id").annotate(n=Count("pk"))
        .values_list("ticket__contract_id", "n"))
    return [ContractDeflection(contract_id=c.pk, code=c.code, name=c.name,
                               deflections=deflected.get(c.pk, 0),
                               tickets_resolved_with_article=used.get(c.pk, 0))
            for c in contracts.only("pk", "code", "name")]


def top_deflecting_articles(*, user, start: datetime, end: datetime,
                            limit: int = 10) -> list[Article]:
    """The articles that deflected most in [start, end) on the user's contracts (each with
    ``deflected`` and ``used_on_tickets`` counts)."""
    contracts = list(contracts_visible_to(user).values_list("pk", flat=True))
    period = Q(deflections__created_at__gte=start, deflections__created_at__lt=end,
               deflections__contract_id__in=contracts)
    top = list(articles_visible_to(user)
               .annotate(deflected=Count("deflections", filter=period))
               .filter(deflected__gt=0)
               .order_by("-deflected", "pk")
               .only("pk", "title", "status", "visibility")[:limit])
    used = dict(TicketArticle.objects.filter(
        article__in=[a.pk for a in top], created_at__gte=start, created_at__lt=end,
        ticket__contract_id__in=contracts)
        .values("article_id").annotate(n=Count("pk")).values_list("article_id", "n"))
    for article in top:
        article.used_on_tickets = used.get(article.pk, 0)
    return top


def deflection_total(*, contract_ids: list[int], start: datetime, end: datetime) -> int:
    return Deflection.objects.filter(contract_id__in=contract_ids, created_at__gte=start,
                                     created_at__lt=end).count()
