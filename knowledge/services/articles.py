"""State changes of knowledge articles (issue 18.1–18.2): one transaction each, the row locked,
history user and reason set here; pages, the API and the demo loader all call these.

The lifecycle (who may do what from which state) is the pure table below, the shape of
tickets/workflow.py: draft → review (the author submits; engineers submit weekly, seed 001) →
published (the desk curates) → retired; the desk may send a review back to draft with a note.
Every edit of the content keeps the previous text as an ArticleVersion.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Capability, can
from core import uploads as files
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import (
    CONTENT_FIELDS,
    Article,
    ArticleAttachment,
    ArticleStatus,
    ArticleVersion,
    ArticleVote,
    Deflection,
    TicketArticle,
    Visibility,
)
from knowledge.selectors.articles import articles_visible_to
from sla.models import Contract
from sla.selectors import contracts_visible_to
from tickets.models import Category, ServiceType, Status, Ticket
from tickets.selectors import tickets_visible_to

S = ArticleStatus

# action → the states it starts from, and the state it leads to
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": ({S.DRAFT}, S.REVIEW),
    "publish": ({S.REVIEW}, S.PUBLISHED),
    "return": ({S.REVIEW}, S.DRAFT),
    "retire": ({S.PUBLISHED}, S.RETIRED),
    "restore": ({S.RETIRED}, S.DRAFT),
}
ACTION_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "publish": gettext_lazy("Publish"),
    "return": gettext_lazy("Send back to the author"),
    "retire": gettext_lazy("Retire"),
    "restore": gettext_lazy("Back to draft"),
}
CURATOR_ACTIONS = {"publish", "return", "retire", "restore"}
EDITABLE_FIELDS = (*CONTENT_FIELDS, "visibility", "contract", "service_type", "category",
                   "asset_models")


# --- who may (one place; pages and API ask these too) -------------------------------------------

def may_write_articles(user) -> bool:
    """Provider staff who work or run tickets write articles; client-side people only read."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and not user.is_client_side
            and (can(user, Capability.WORK_TICKETS) or can(user, Capability.DISPATCH)
                 or can(user, Capability.ADMINISTER)))


def may_curate_articles(user) -> bool:
    """The desk (and whoever runs it) reviews, publishes and retires (seed 001: 服务台归档)."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and not user.is_client_side
            and (can(user, Capability.DISPATCH) or can(user, Capability.ADMINISTER)))


def may_edit(user, article: Article) -> bool:
    if may_curate_articles(user):
        return article.status != S.RETIRED
    return (may_write_articles(user) and article.author_id == user.pk
            and article.status in {S.DRAFT, S.REVIEW})


def allowed_actions(user, article: Article) -> list[str]:
    return [name for name in TRANSITIONS if _refusal(name, user, article) is None]


def _refusal(action: str, user, article: Article) -> ActionRefused | None:
    if action not in TRANSITIONS:
        return InvalidInput(_("Unknown action."), field="action")
    if action in CURATOR_ACTIONS and not may_curate_articles(user):
        return PermissionRefused(_("Only the service desk reviews, publishes and retires "
                                   "articles."))
    if action == "submit" and not (may_curate_articles(user) or (
            may_write_articles(user) and article.author_id == user.pk)):
        return PermissionRefused(_("Only the author or the service desk submits an article."))
    starts, _to = TRANSITIONS[action]
    if article.status not in starts:
        return ActionRefused(_("This cannot be done to an article that is %(status)s.")
                             % {"status": article.get_status_display()}, code="wrong_state")
    return None


# --- writing ------------------------------------------------------------------------------------

def _clean(actor: User, data: dict, *, partial: bool) -> dict:
    """Field checks a form or the API cannot know (scope, the category tree); InvalidInput."""
    out = {k: data[k] for k in EDITABLE_FIELDS if k in data}
    for field, limit in (("title", 200), ("title_en", 200), ("asset_models", 300)):
        if field in out:
            out[field] = (out[field] or "").strip()
            if len(out[field]) > limit:
                raise InvalidInput(_("At most %(n)d characters.") % {"n": limit}, field=field)
    for field in ("symptom", "cause", "solution", "symptom_en", "cause_en", "solution_en"):
        if field in out:
            out[field] = (out[field] or "").strip()
            if len(out[field]) > 20000:
                raise InvalidInput(_("At most %(n)d characters.") % {"n": 20000}, field=field)
    for field in ("title", "symptom", "solution"):
        if (field in out or not partial) and not out.get(field):
            raise InvalidInput(_("This field is required."), field=field)
    if "visibility" in out and out["visibility"] not in Visibility.values:
        raise InvalidInput(_("Choose public or internal."), field="visibility")
    contract = out.get("contract")
    if contract is not None and not isinstance(contract, Contract):
        raise InvalidInput(_("Choose a contract."), field="contract")
    if contract is not None and not contracts_visible_to(actor).filter(pk=contract.pk).exists():
        raise PermissionRefused(_("You are not on this contract."), field="contract")
    service_type, category = out.get("service_type"), out.get("category")
    if service_type is not None and not isinstance(service_type, ServiceType):
        raise InvalidInput(_("Choose a service type."), field="service_type")
    if category is not None:
        if not isinstance(category, Category):
            raise InvalidInput(_("Choose a category."), field="category")
        if service_type is not None and category.service_type_id != service_type.pk:
            raise InvalidInput(_("The category belongs to another service type."),
                               field="category")
        out.setdefault("service_type", category.service_type)
    return out


def _keep_version(article: Article, actor: User, moment, note: str) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article, number=article.revision, edited_by=actor, note=note[:300],
        created_at=moment, **{f: getattr(article, f) for f in CONTENT_FIELDS})


def _save(article: Article, actor: User, reason: str, moment) -> None:
    article.updated_at = moment
    article._history_user = actor
    article._change_reason = reason
    article.save()


@transaction.atomic
def article_create(*, actor: User, source_ticket: Ticket | None = None, **data) -> Article:
    """A new draft by ``actor`` (revision 1, kept as the first version)."""
    if not may_write_articles(actor):
        raise PermissionRefused(_("You may not write knowledge articles."))
    fields = _clean(actor, data, partial=False)
    moment = now()
    article = Article(author=actor, created_at=moment, source_ticket=source_ticket, **fields)
    _save(article, actor, "created", moment)
    _keep_version(article, actor, moment, _("First draft"))
    return article


@transaction.atomic
def article_update(*, actor: User, article: Article, expected_revision: int | None = None,
                   note: str = "", **data) -> Article:
    """Change the content or its scope; a content change raises the revision and keeps a
    version. A form opened on an older revision is refused (409) rather than overwriting."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not may_edit(actor, article):
        raise PermissionRefused(_("You may not edit this article."))
    if expected_revision is not None and expected_revision != article.revision:
        raise ActionRefused(_("Someone changed this article meanwhile; reload it and edit "
                              "again."), code="stale")
    fields = _clean(actor, data, partial=True)
    changed = [k for k, v in fields.items() if getattr(article, k) != v]
    if not changed:
        return article
    moment = now()
    for key in changed:
        setattr(article, key, fields[key])
    if any(k in CONTENT_FIELDS for k in changed):
        article.revision += 1
        _keep_version(article, actor, moment, note)
    _save(article, actor, "edited", moment)
    return article


@transaction.atomic
def article_act(*, actor: User, article: Article, action: str, note: str = "") -> Article:
    """One lifecycle step (TRANSITIONS); a wrong state is 409, a wrong person 403."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    refusal = _refusal(action, actor, article)
    if refusal is not None:
        raise refusal
    note = (note or "").strip()
    if action == "return" and not note:
        raise InvalidInput(_("Say what the author should change."), field="note")
    moment = now()
    article.status = TRANSITIONS[action][1]
    if action == "submit":
        article.submitted_at = moment
    elif action in {"publish", "return"}:
        article.reviewed_by = actor
        article.review_note = note[:2000]
        if action == "publish":
            article.published_at = moment
    elif action == "retire":
        article.retired_at = moment
    _save(article, actor, action, moment)
    return article


@transaction.atomic
def article_propose_from_ticket(*, actor: User, ticket: Ticket) -> Article:
    """One click on a resolved ticket: a draft prefilled with its symptom and resolution."""
    if not may_write_articles(actor):
        raise PermissionRefused(_("You may not write knowledge articles."))
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionRefused(_("You may not see this ticket."))
    if ticket.status not in {Status.RESOLVED, Status.CLOSED}:
        raise ActionRefused(_("Only a resolved ticket can become an article."),
                            code="wrong_state")
    existing = Article.objects.filter(source_ticket=ticket).order_by("pk").first()
    if existing is not None:
        raise ActionRefused(_("An article was already proposed from this ticket."),
                            code="already_proposed")
    return article_create(
        actor=actor, source_ticket=ticket, title=ticket.title[:200],
        symptom=ticket.description or ticket.title,
        solution=ticket.resolution_notes or _("(describe the steps that fixed it)"),
        visibility=Visibility.INTERNAL, contract=ticket.contract,
        service_type=ticket.service_type, category=ticket.category,
        asset_models=getattr(ticket.asset, "model", "") if ticket.asset_id else "")


@transaction.atomic
def article_attach(*, actor: User, article: Article, upload) -> ArticleAttachment:
    """A file for the article (checked by core.uploads); its body may then show it."""
    if not may_edit(actor, article):
        raise PermissionRefused(_("You may not edit this article."))
    moment = now()
    fields = files.save_upload(upload, when=moment)
    try:
        return ArticleAttachment.objects.create(article=article, uploaded_by=actor,
                                                created_at=moment, **fields)
    except Exception:
        files.delete_stored([fields["storage_name"]])
        raise


# --- readers ------------------------------------------------------------------------------------

def _readable(actor: User, article: Article) -> None:
    if not articles_visible_to(actor).filter(pk=article.pk).exists():
        raise PermissionRefused(_("You may not read this article."))
    if article.status != S.PUBLISHED:
        raise ActionRefused(_("Only a published article can be voted on or used."),
                            code="wrong_state")


@transaction.atomic
def article_vote(*, actor: User, article: Article, helpful: bool) -> ArticleVote:
    """"Was this helpful?": one answer per reader; answering again changes it."""
    _readable(actor, article)
    moment = now()
    vote, created = ArticleVote.objects.get_or_create(
        article=article, user=actor,
        defaults={"helpful": helpful, "created_at": moment, "updated_at": moment})
    if not created and vote.helpful != helpful:
        vote.helpful, vote.updated_at = helpful, moment
        vote.save(update_fields=["helpful", "updated_at"])
    return vote


@transaction.atomic
def article_deflect(*, actor: User, article: Article, contract: Contract | None = None,
                    query: str = "") -> Deflection:
    """"This solved it" while filing: nothing is filed and the deflection is counted against
    the contract the user was filing on (their first contract when the form had none)."""
    if not can(actor, Capability.FILE_TICKETS):
        raise PermissionRefused(_("Only people who file faults can mark an article as the "
                                  "answer."))
    _readable(actor, article)
    mine = contracts_visible_to(actor)
    if contract is not None and not mine.filter(pk=contract.pk).exists():
        raise PermissionRefused(_("You are not on this contract."), field="contract")
    if contract is None:
        contract = (mine.filter(pk=article.contract_id).first() if article.contract_id
                    else mine.order_by("pk").first())
    return Deflection.objects.create(article=article, user=actor, contract=contract,
                                     query=(query or "").strip()[:200], created_at=now())


@transaction.atomic
def ticket_article_link(*, actor: User, ticket: Ticket, article: Article) -> TicketArticle:
    """"Resolved with article X": the engineer names the article used; naming another one
    replaces it (one per ticket)."""
    if not may_write_articles(actor):
        raise PermissionRefused(_("Only staff link articles to tickets."))
    ticket = tickets_visible_to(actor).select_for_update().filter(pk=ticket.pk).first()
    if ticket is None:
        raise PermissionRefused(_("You may not see this ticket."))
    _readable(actor, article)
    if article.contract_id not in (None, ticket.contract_id):
        raise InvalidInput(_("This article belongs to another contract."), field="article")
    moment = now()
    try:
        link, _created = TicketArticle.objects.update_or_create(
            ticket=ticket, defaults={"article": article, "linked_by": actor,
                                     "created_at": moment})
    except IntegrityError as exc:  # two engineers linking at the same instant
        raise ActionRefused(_("Someone linked an article meanwhile; reload the ticket."),
                            code="stale") from exc
    return link
