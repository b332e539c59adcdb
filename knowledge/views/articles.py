"""Pages of the knowledge base (/kb/): search and read, write and curate, the weekly review
queue, the deflection panel of the portal form and the article panel of a ticket, and the
deflection figures. Adapters only: selectors read, services change (knowledge/services/)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Capability, can
from core import uploads
from core.clock import now
from core.errors import ActionRefused
from core.forms import add_service_error
from knowledge.forms.articles import ArticleForm, LinkForm, NoteForm
from knowledge.markdown import attachment_url
from knowledge.markdown import render as render_markdown
from knowledge.models import Article, ArticleAttachment, ArticleStatus
from knowledge.selectors.articles import (
    TERM_MAX,
    article_counts,
    article_get,
    article_search_ranked,
    articles_visible_to,
    deflection_by_contract,
    deflection_candidates,
    for_list,
    review_queue,
    suggested_for_ticket,
    terms_of,
    ticket_article,
    top_deflecting_articles,
    weeks_of,
)
from knowledge.services.articles import (
    ACTION_LABELS,
    allowed_actions,
    article_act,
    article_attach,
    article_create,
    article_deflect,
    article_propose_from_ticket,
    article_update,
    article_vote,
    may_curate_articles,
    may_edit,
    may_write_articles,
    ticket_article_link,
)
from sla.selectors import contracts_visible_to
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

PAGE_SIZE = 25
ID_MAX = 2**63 - 1


def _article_or_404(user, pk: int) -> Article:
    if pk > ID_MAX:
        raise Http404
    try:
        return article_get(user=user, pk=pk)
    except Article.DoesNotExist:
        raise Http404 from None


def _ticket_or_404(user, number: str) -> Ticket:
    ticket = tickets_visible_to(user).select_related("contract", "category").filter(
        number=number).first()
    if ticket is None:
        raise Http404
    return ticket


# --- reading --------------------------------------------------------------------------------------

@login_required
@require_GET
def article_list(request):
    """Search (ranked) or browse: readers see published articles, staff may pick a state."""
    user = request.user
    query = (request.GET.get("q") or "").strip()[:TERM_MAX]
    staff = not user.is_client_side
    state = request.GET.get("status", "") if staff else ""
    if state not in ArticleStatus.values:
        state = ""  # every state the person may read
    articles = articles_visible_to(user)
    if state:
        articles = articles.filter(status=state)
    page = None
    found = None
    if query and terms_of(query):
        found = article_search_ranked(articles, query, limit=50)
    else:
        page = Paginator(for_list(articles).order_by("-updated_at", "-pk"),
                         PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/list.html", {
        "query": query, "found": found, "page": page, "state": state,
        "states": ArticleStatus.choices if staff else None,
        "may_write": may_write_articles(user), "may_curate": may_curate_articles(user),
        "too_short": bool(query) and not terms_of(query),
        "pager_query": urlencode({"status": state}) if state else "",
    })


@login_required
@require_GET
def article_detail(request, pk: int):
    user = request.user
    article = _article_or_404(user, pk)
    attachments = list(article.attachments.all())
    ids = {a.pk for a in attachments}
    sections = [(label, render_markdown(text, attachment_ids=ids)) for label, text in (
        (_("Symptom"), article.symptom), (_("Cause"), article.cause),
        (_("Solution"), article.solution)) if text]
    sections_en = [(label, render_markdown(text, attachment_ids=ids)) for label, text in (
        (_("Symptom"), article.symptom_en), (_("Cause"), article.cause_en),
        (_("Solution"), article.solution_en)) if text]
    return render(request, "knowledge/detail.html", {
        "article": article, "sections": sections, "sections_en": sections_en,
        "attachments": [(a, attachment_url(a.pk)) for a in attachments],
        "counts": article_counts(user=user, article=article),
        "actions": [(name, ACTION_LABELS[name]) for name in allowed_actions(user, article)],
        "may_edit": may_edit(user, article), "staff": not user.is_client_side,
        "note_form": NoteForm(),
    })


@login_required
@require_GET
def article_versions(request, pk: int):
    article = _article_or_404(request.user, pk)
    if request.user.is_client_side:
        raise PermissionDenied
    return render(request, "knowledge/versions.html", {
        "article": article,
        "versions": article.versions.select_related("edited_by").order_by("-number"),
        "history": [(h, _reason_label(h.history_change_reason)) for h in
                    article.history.select_related("history_user").order_by("-history_date")[:50]],
    })


def _reason_label(reason: str | None) -> str:
    """The history row's change reason (a service's key) in words."""
    if reason in ACTION_LABELS:
        return str(ACTION_LABELS[reason])
    return {"created": _("Article created"), "edited": _("Article edited")}.get(reason or "", "")


@login_required
@require_GET
def attachment(request, pk: int):
    """An article's file, shown in the browser when it is an image (the body's images)."""
    if pk > ID_MAX:
        raise Http404
    found = ArticleAttachment.objects.filter(
        pk=pk, article__in=articles_visible_to(request.user)).first()
    if found is None:
        raise Http404
    return uploads.inline_response(found)


# --- writing and curating -------------------------------------------------------------------------

@login_required
def article_new(request):
    if not may_write_articles(request.user):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                article = article_create(actor=request.user, **form.service_fields())
                for upload in form.cleaned_data.get("uploads") or []:
                    article_attach(actor=request.user, article=article, upload=upload)
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:detail", article.pk)
    return render(request, "knowledge/edit.html", {"form": form, "article": None})


@login_required
def article_edit(request, pk: int):
    article = _article_or_404(request.user, pk)
    if not may_edit(request.user, article):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, request.FILES or None, user=request.user,
                       instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                article = article_update(actor=request.user, article=article,
                                         expected_revision=form.cleaned_data.get("revision"),
                                         note=form.cleaned_data.get("note", ""),
                                         **form.service_fields())
                for upload in form.cleaned_data.get("uploads") or []:
                    article_attach(actor=request.user, article=article, upload=upload)
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:detail", article.pk)
    return render(request, "knowledge/edit.html", {
        "form": form, "article": article,
        "attachments": [(a, attachment_url(a.pk)) for a in article.attachments.all()]})


@login_required
@require_POST
def article_transition(request, pk: int, action: str):
    """One POST URL per lifecycle step (/kb/<id>/submit/, /publish/, …)."""
    if action not in ACTION_LABELS:
        raise Http404
    article = _article_or_404(request.user, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        article_act(actor=request.user, article=article, action=action, note=note)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("knowledge:detail", article.pk)


@login_required
@require_GET
def review(request):
    """The desk's weekly review queue (seed 001: engineers submit weekly, the desk files them)."""
    if not may_curate_articles(request.user):
        raise PermissionDenied
    return render(request, "knowledge/review.html",
                  {"weeks": weeks_of(review_queue(user=request.user))})


# --- readers: votes and deflection ----------------------------------------------------------------

@login_required
@require_POST
def vote(request, pk: int):
    article = _article_or_404(request.user, pk)
    helpful = request.POST.get("helpful")
    if helpful not in {"yes", "no"}:
        messages.error(request, _("Answer yes or no."))
    else:
        try:
            article_vote(actor=request.user, article=article, helpful=helpful == "yes")
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you for your answer."))
    return redirect("knowledge:detail", article.pk)


@login_required
@require_GET
def deflect_panel(request):
    """The portal form's panel: public articles matching the title being typed (htmx)."""
    if not can(request.user, Capability.FILE_TICKETS):
        raise PermissionDenied
    title = (request.GET.get("title") or "").strip()[:TERM_MAX]
    found = deflection_candidates(user=request.user, title=title) if terms_of(title) else []
    return render(request, "knowledge/_deflect_results.html", {"found": found, "title": title})


@login_required
@require_POST
def solved(request, pk: int):
    """"This solved it": nothing is filed; the deflection is counted (htmx or plain POST)."""
    article = _article_or_404(request.user, pk)
    contract = None
    code = request.POST.get("contract") or ""
    if code.isdigit() and int(code) <= ID_MAX:
        contract = contracts_visible_to(request.user).filter(pk=int(code)).first()
    try:
        article_deflect(actor=request.user, article=article, contract=contract,
                        query=request.POST.get("title", ""))
    except ActionRefused as exc:
        if request.htmx:
            return render(request, "knowledge/_solved.html", {"error": exc.message},
                          status=exc.status_code)
        messages.error(request, exc.message)
        return redirect("knowledge:detail", article.pk)
    if request.htmx:
        return render(request, "knowledge/_solved.html", {"article": article})
    messages.success(request, _("Glad it is solved. Nothing was filed."))
    return redirect("portal:home")


# --- the ticket's panel: suggested articles, "resolved with", propose -----------------------------

@login_required
@require_GET
def ticket_panel(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    if request.user.is_client_side:
        return render(request, "knowledge/_ticket_panel.html", {"hidden": True})
    return render(request, "knowledge/_ticket_panel.html", {
        "ticket": ticket, "suggested": suggested_for_ticket(user=request.user, ticket=ticket),
        "link": ticket_article(ticket), "may_write": may_write_articles(request.user),
        "proposed": Article.objects.filter(source_ticket=ticket).only("pk").first(),
        "may_propose": ticket.status in {"resolved", "closed"},
    })


@login_required
@require_POST
def ticket_link(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an article."))
        return redirect("tickets:detail", ticket.number)
    article = articles_visible_to(request.user).filter(pk=form.cleaned_data["article"]).first()
    if article is None:
        raise Http404
    try:
        ticket_article_link(actor=request.user, ticket=ticket, article=article)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Resolved with article “%(title)s”.")
                         % {"title": article.title})
    return redirect("tickets:detail", ticket.number)


@login_required
@require_POST
def ticket_propose(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    try:
        article = article_propose_from_ticket(actor=request.user, ticket=ticket)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        existing = Article.objects.filter(source_ticket=ticket).order_by("pk").first()
        if existing is not None and articles_visible_to(request.user).filter(
                pk=existing.pk).exists():
            return redirect("knowledge:detail", existing.pk)
        return redirect("tickets:detail", ticket.number)
    messages.success(request, _("Draft article created from %(number)s: check it and submit it "
                                "for review.") % {"number": ticket.number})
    return redirect("knowledge:edit", article.pk)


# --- KPI: deflection ------------------------------------------------------------------------------

@login_required
@require_GET
def deflection(request):
    """Deflections per contract and the articles that deflect most, over the last N days."""
    if not can(request.user, Capability.READ_DASHBOARDS):
        raise PermissionDenied
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 366)
    except ValueError:
        days = 30
    end = now()
    start = end - timedelta(days=days)
    return render(request, "knowledge/deflection.html", {
        "days": days, "day_choices": [7, 30, 90, 365],
        "contracts": deflection_by_contract(user=request.user, start=start, end=end),
        "top": top_deflecting_articles(user=request.user, start=start, end=end),
    })

