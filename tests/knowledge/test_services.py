"""Services of knowledge articles: lifecycle, versions, propose from a ticket, votes, deflection,
"resolved with article X" and the KPI figures they feed."""

from datetime import timedelta

import pytest

from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import Article, ArticleStatus, Deflection, TicketArticle, Visibility
from knowledge.selectors.articles import (
    deflection_by_contract,
    review_queue,
    top_deflecting_articles,
    weeks_of,
)
from knowledge.services.articles import (
    allowed_actions,
    article_act,
    article_create,
    article_deflect,
    article_propose_from_ticket,
    article_update,
    article_vote,
    ticket_article_link,
)
from sla.models import Contract
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db

BODY = {"title": "显示器无信号", "symptom": "开机后显示器提示无信号。",
        "solution": "重新插好视频线。"}


def _published(demo, **extra):
    article = article_create(actor=demo["engineer"], **{**BODY, **extra})
    article_act(actor=demo["engineer"], article=article, action="submit")
    return article_act(actor=demo["desk"], article=article, action="publish")


def test_it_creates_a_draft_with_its_first_version(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    assert article.status == ArticleStatus.DRAFT
    assert article.revision == 1
    assert list(article.versions.values_list("number", "title")) == [(1, "显示器无信号")]


def test_it_walks_draft_review_published_retired(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    assert allowed_actions(demo["engineer"], article) == ["submit"]
    article = article_act(actor=demo["engineer"], article=article, action="submit")
    assert article.status == ArticleStatus.REVIEW and article.submitted_at is not None
    article = article_act(actor=demo["desk"], article=article, action="publish")
    assert article.status == ArticleStatus.PUBLISHED and article.reviewed_by == demo["desk"]
    article = article_act(actor=demo["desk"], article=article, action="retire")
    assert article.status == ArticleStatus.RETIRED
    assert [h.history_change_reason for h in article.history.order_by("history_date")] == [
        "created", "submit", "publish", "retire"]


def test_it_refuses_an_engineer_publishing(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    article_act(actor=demo["engineer"], article=article, action="submit")
    with pytest.raises(PermissionRefused):
        article_act(actor=demo["engineer"], article=article, action="publish")
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW


def test_it_refuses_publishing_a_draft_with_409(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    with pytest.raises(ActionRefused) as refused:
        article_act(actor=demo["desk"], article=article, action="publish")
    assert refused.value.status_code == 409


def test_it_needs_a_note_to_send_a_review_back(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    article_act(actor=demo["engineer"], article=article, action="submit")
    with pytest.raises(InvalidInput) as refused:
        article_act(actor=demo["desk"], article=article, action="return")
    assert refused.value.field == "note"
    article = article_act(actor=demo["desk"], article=article, action="return", note="补充原因")
    assert article.status == ArticleStatus.DRAFT and article.review_note == "补充原因"


def test_it_keeps_a_version_per_content_edit_and_refuses_a_stale_one(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    article = article_update(actor=demo["engineer"], article=article, expected_revision=1,
                             solution="更换视频线。", note="换线")
    assert article.revision == 2
    assert list(article.versions.values_list("number", "solution")) == [
        (2, "更换视频线。"), (1, "重新插好视频线。")]
    with pytest.raises(ActionRefused) as refused:
        article_update(actor=demo["engineer"], article=article, expected_revision=1,
                       solution="别的")
    assert refused.value.code == "stale"


def test_it_refuses_bad_input_naming_the_field(demo):
    with pytest.raises(InvalidInput) as refused:
        article_create(actor=demo["engineer"], **{**BODY, "symptom": "  "})
    assert refused.value.field == "symptom"
    assert not Article.objects.filter(title=BODY["title"]).exists()


def test_it_refuses_client_side_authors(demo):
    with pytest.raises(PermissionRefused):
        article_create(actor=demo["user"], **BODY)


def test_it_refuses_a_contract_the_author_is_not_on(demo):
    server = Contract.objects.get(code="DEMO-SERVER")
    with pytest.raises(PermissionRefused) as refused:
        article_create(actor=demo["engineer"], contract=server, **BODY)
    assert refused.value.field == "contract"


def _resolved_printer_ticket():
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolution_code="fixed",
                                               resolution_notes="更换搓纸轮后恢复。")
    ticket.refresh_from_db()
    return ticket


def test_it_proposes_a_prefilled_draft_from_a_resolved_ticket_once(demo):
    ticket = _resolved_printer_ticket()
    article = article_propose_from_ticket(actor=demo["engineer"], ticket=ticket)
    assert (article.title, article.solution, article.source_ticket) == (
        ticket.title, "更换搓纸轮后恢复。", ticket)
    assert article.category_id == ticket.category_id and article.contract_id == ticket.contract_id
    assert article.status == ArticleStatus.DRAFT and article.visibility == Visibility.INTERNAL
    with pytest.raises(ActionRefused) as refused:
        article_propose_from_ticket(actor=demo["engineer"], ticket=ticket)
    assert refused.value.code == "already_proposed"


def test_it_refuses_proposing_from_an_open_ticket(demo):
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    with pytest.raises(ActionRefused):
        article_propose_from_ticket(actor=demo["engineer"], ticket=ticket)


def test_it_keeps_one_vote_per_reader(demo):
    article = _published(demo)
    article_vote(actor=demo["user"], article=article, helpful=True)
    article_vote(actor=demo["user"], article=article, helpful=False)
    assert list(article.votes.values_list("helpful", flat=True)) == [False]


def test_it_refuses_votes_on_a_draft(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    with pytest.raises(PermissionRefused):  # end users cannot even see it
        article_vote(actor=demo["user"], article=article, helpful=True)


def test_it_counts_a_deflection_against_the_users_contract(demo):
    article = _published(demo)
    article_deflect(actor=demo["user"], article=article, query="显示器无信号")
    row = Deflection.objects.get(article=article)
    assert row.contract.code == "DEMO-DESKTOP" and row.user == demo["user"]
    assert not Ticket.objects.filter(title="显示器无信号").exists()


def test_it_refuses_deflection_on_another_clients_contract(demo):
    article = _published(demo)
    other = Contract.objects.exclude(client_id=demo["user"].organisation_id).first()
    if other is None:
        pytest.skip("the demo has one client only")
    with pytest.raises(PermissionRefused):
        article_deflect(actor=demo["user"], article=article, contract=other)


def test_it_refuses_an_internal_article_to_end_users(demo):
    article = _published(demo, visibility=Visibility.INTERNAL)
    with pytest.raises(PermissionRefused):
        article_deflect(actor=demo["user"], article=article)


def test_it_links_the_article_a_ticket_was_resolved_with_and_replaces_it(demo):
    first, second = _published(demo), _published(demo, title="打印机驱动重装")
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    ticket_article_link(actor=demo["engineer"], ticket=ticket, article=first)
    ticket_article_link(actor=demo["engineer"], ticket=ticket, article=second)
    assert list(TicketArticle.objects.filter(ticket=ticket).values_list("article", flat=True)) \
        == [second.pk]


def test_it_refuses_linking_by_the_requester(demo):
    article = _published(demo)
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    with pytest.raises(PermissionRefused):
        ticket_article_link(actor=demo["user"], ticket=ticket, article=article)


def test_kpi_counts_deflections_per_contract_and_the_top_articles(demo):
    article = _published(demo)
    start = now() - timedelta(days=1)
    before = {r.code: r.deflections for r in deflection_by_contract(
        user=demo["pm"], start=start, end=now() + timedelta(minutes=1))}
    article_deflect(actor=demo["user"], article=article)
    article_deflect(actor=demo["user2"], article=article)
    after = {r.code: r.deflections for r in deflection_by_contract(
        user=demo["pm"], start=start, end=now() + timedelta(minutes=1))}
    assert after["DEMO-DESKTOP"] == before["DEMO-DESKTOP"] + 2
    top = top_deflecting_articles(user=demo["pm"], start=start, end=now() + timedelta(minutes=1))
    assert top[0].pk == article.pk and top[0].deflected == 2


def test_the_review_queue_groups_by_week_oldest_first(demo):
    article = article_create(actor=demo["engineer"], **BODY)
    article_act(actor=demo["engineer"], article=article, action="submit")
    queue = list(review_queue(user=demo["desk"]))
    assert article in queue
    assert [a.submitted_at for a in queue] == sorted(a.submitted_at for a in queue)
    weeks = weeks_of(queue)
    assert all(" W" in label for label, _ in weeks)
