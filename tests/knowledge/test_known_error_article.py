"""A problem's known error published as a knowledge article (issue 18.3: known error → article)."""

import pytest

from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import Article, ArticleStatus, Problem, Visibility
from knowledge.services.problems import (
    problem_accept,
    problem_analyse,
    problem_publish_known_error,
)
from tests.knowledge.chg_fixtures import *  # noqa: F403 - the fixtures of problems and changes
from tickets.models import Ticket
from tickets.services import ticket_create


@pytest.fixture
def analysed(demo, desktop):
    """The second paper jam on the finance printer, proposed, accepted and analysed."""
    first = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    ticket_create(actor=demo["user"], contract=desktop, service_type=first.service_type,
                  category=first.category, title="打印机又卡纸了", requester=demo["user"],
                  asset=first.asset)
    problem = Problem.objects.get(source=Problem.Source.RECURRING, proposal_key__isnull=False)
    problem_accept(actor=demo["engineer"], problem=problem)
    return problem_analyse(actor=demo["engineer"], problem=problem, root_cause="进纸辊磨损",
                           workaround="取出卡纸后重新放纸", known_error="卡纸：更换进纸辊")


def test_it_publishes_the_known_error_as_an_internal_draft(demo, analysed):
    article = problem_publish_known_error(actor=demo["engineer"], problem=analysed)
    assert article.status == ArticleStatus.DRAFT
    assert article.visibility == Visibility.INTERNAL
    assert article.contract_id == analysed.contract_id
    assert article.cause == "进纸辊磨损"
    assert "卡纸：更换进纸辊" in article.solution and "取出卡纸后重新放纸" in article.solution
    analysed.refresh_from_db()
    assert analysed.known_error_article == article


def test_it_publishes_once(demo, analysed):
    problem_publish_known_error(actor=demo["engineer"], problem=analysed)
    with pytest.raises(ActionRefused):
        problem_publish_known_error(actor=demo["engineer"], problem=analysed)
    assert Article.objects.filter(known_error_of=analysed).count() == 1


def test_it_refuses_the_client_side(demo, analysed):
    with pytest.raises(PermissionRefused):
        problem_publish_known_error(actor=demo["client"], problem=analysed)
    analysed.refresh_from_db()
    assert analysed.known_error_article is None


def test_it_needs_a_known_error(demo, analysed):
    Problem.objects.filter(pk=analysed.pk).update(known_error="")
    with pytest.raises(InvalidInput) as refused:
        problem_publish_known_error(actor=demo["engineer"], problem=analysed)
    assert refused.value.field == "known_error"


def test_the_page_button_opens_the_new_article(demo, analysed, client):
    client.force_login(demo["engineer"])
    page = client.get(f"/problems/{analysed.number}/")
    assert b'data-testid="publish-known-error"' in page.content
    response = client.post(f"/problems/{analysed.number}/known-error-article/")
    analysed.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/kb/{analysed.known_error_article_id}/"
    page = client.get(f"/problems/{analysed.number}/")
    assert b'data-testid="known-error-article"' in page.content
