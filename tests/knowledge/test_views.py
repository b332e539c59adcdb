"""Pages of the knowledge base: search, read, write, curate, the deflection panel of the portal
form, the ticket's article panel, attachments and the deflection figures."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge.models import Article, ArticleStatus, Deflection, TicketArticle
from knowledge.services.articles import article_attach, article_create
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def test_the_search_page_ranks_and_escapes(demo, client):
    client.force_login(demo["user"])
    response = client.get("/kb/", {"q": "卡纸"})
    assert response.status_code == 200
    assert "打印机卡纸的处理方法" in response.content.decode()
    assert "<script>" not in client.get("/kb/", {"q": "<script>x"}).content.decode()


def test_the_article_page_renders_sanitised_markdown(demo, client):
    article = article_create(actor=demo["engineer"], title="恶意", symptom="<script>x</script>",
                             solution="[a](javascript:alert(1)) **步骤**")
    client.force_login(demo["engineer"])
    html = client.get(f"/kb/{article.pk}/").content.decode()
    assert "<strong>步骤</strong>" in html
    assert 'href="javascript' not in html and "<script>x" not in html


def test_an_engineer_writes_and_submits_a_draft(demo, client):
    client.force_login(demo["engineer"])
    response = client.post("/kb/new/", {"title": "投影仪无画面", "symptom": "投影仪蓝屏无信号",
                                        "solution": "切换信号源", "visibility": "public"})
    article = Article.objects.get(title="投影仪无画面")
    assert response.status_code == 302 and response["Location"] == f"/kb/{article.pk}/"
    client.post(f"/kb/{article.pk}/submit/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    client.force_login(demo["desk"])
    assert "投影仪无画面" in client.get("/kb/review/").content.decode()
    client.post(f"/kb/{article.pk}/publish/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_a_bad_form_says_which_field(demo, client):
    client.force_login(demo["engineer"])
    response = client.post("/kb/new/", {"title": "缺正文", "visibility": "public"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"symptom", "solution"}


def test_the_deflection_panel_offers_public_articles_to_the_filer(demo, client):
    client.force_login(demo["user"])
    html = client.get("/kb/deflect/", {"title": "打印机卡纸"}, HTTP_HX_REQUEST="true") \
        .content.decode()
    assert "打印机卡纸的处理方法" in html and 'data-testid="kb-solved"' in html
    assert "kb-suggestion" not in client.get("/kb/deflect/", {"title": "卡"}).content.decode()


def test_this_solved_it_counts_and_files_nothing(demo, client):
    article = Article.objects.get(title="打印机卡纸的处理方法")
    tickets = Ticket.objects.count()
    client.force_login(demo["user"])
    response = client.post(f"/kb/{article.pk}/solved/", {"title": "打印机卡纸"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="kb-solved-done"' in \
        response.content.decode()
    assert Deflection.objects.filter(article=article, query="打印机卡纸").count() == 1
    assert Ticket.objects.count() == tickets


def test_the_ticket_panel_suggests_links_and_proposes(demo, client):
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    article = Article.objects.get(title="打印机卡纸的处理方法")
    client.force_login(demo["engineer"])
    html = client.get(f"/kb/ticket/{ticket.number}/").content.decode()
    assert "打印机卡纸的处理方法" in html
    client.post(f"/kb/ticket/{ticket.number}/link/", {"article": article.pk})
    assert TicketArticle.objects.get(ticket=ticket).article == article
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolution_code="fixed")
    response = client.post(f"/kb/ticket/{ticket.number}/propose/")
    proposed = Article.objects.get(source_ticket=ticket)
    assert response["Location"] == f"/kb/{proposed.pk}/edit/"


def test_the_requester_gets_no_ticket_panel(demo, client):
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    client.force_login(demo["user"])
    assert "kb-ticket-panel" not in client.get(f"/kb/ticket/{ticket.number}/").content.decode()


def test_attachments_show_to_readers_of_the_article_only(demo, client):
    article = Article.objects.get(title="交易数据库服务器硬盘告警处置流程")
    image = article_attach(actor=demo["desk"], article=article,
                           upload=SimpleUploadedFile("a.png", PNG, content_type="image/png"))
    client.force_login(demo["engineer2"])
    assert client.get(f"/kb/attachments/{image.pk}/").status_code == 200
    client.force_login(demo["user"])  # internal, server contract: not theirs
    assert client.get(f"/kb/attachments/{image.pk}/").status_code == 404


def test_the_deflection_page_counts_per_contract(demo, client):
    article = Article.objects.get(title="打印机卡纸的处理方法")
    client.force_login(demo["pm"])
    before = client.get("/kb/deflection/").context["contracts"]
    Deflection.objects.create(article=article, user=demo["user"], contract=_desktop(),
                              created_at=_recent())
    after = client.get("/kb/deflection/").context["contracts"]
    by_code = {row.code: row.deflections for row in after}
    assert by_code["DEMO-DESKTOP"] == {r.code: r.deflections for r in before}["DEMO-DESKTOP"] + 1
    assert client.get("/kb/deflection/").context["top"][0].pk == article.pk


def _desktop():
    from sla.models import Contract

    return Contract.objects.get(code="DEMO-DESKTOP")


def _recent():
    from core.clock import now

    return now() - timedelta(hours=1)


def test_the_list_keeps_its_query_count(demo, client, django_assert_max_num_queries):
    client.force_login(demo["desk"])
    for i in range(5):
        article_create(actor=demo["engineer"], title=f"列表 {i}", symptom="s", solution="x")
    with django_assert_max_num_queries(20):
        assert client.get("/kb/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/kb/", {"q": "列表"}).status_code == 200
