"""The /search/ page: grouped results, escaped highlighted snippets, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_it_groups_results_by_kind_and_marks_the_term(client, demo, file_ticket):
    file_ticket(title="打印机卡纸", description="纸盒<b>卡住</b>了")
    client.force_login(demo["desk"])
    html = client.get("/search/", {"q": "卡住"}).content.decode()
    assert 'data-testid="search-group-ticket"' in html
    assert "&lt;b&gt;<mark>卡住</mark>&lt;/b&gt;" in html


def test_it_escapes_the_term_before_marking(client, demo, file_ticket):
    file_ticket(title="报错 <script>x</script> 了")
    client.force_login(demo["desk"])
    html = client.get("/search/", {"q": "<script>"}).content.decode()
    assert "<mark>&lt;script&gt;</mark>" in html
    assert "<script>x" not in html


def test_a_one_character_term_shows_the_reason(client, demo):
    client.force_login(demo["desk"])
    response = client.get("/search/", {"q": "打"})
    assert response.status_code == 200
    assert 'data-testid="search-error"' in response.content.decode()


def test_the_dropdown_is_a_partial(client, demo, file_ticket):
    file_ticket(title="打印机卡纸")
    client.force_login(demo["desk"])
    html = client.get("/search/", {"q": "打印机"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="search-dropdown"' in html and "<html" not in html


def test_the_navbar_has_the_search_box_for_every_role(client, demo):
    for role in ("user", "desk", "client", "engineer", "gm"):
        client.force_login(demo[role])
        assert 'data-testid="nav-search-q"' in client.get("/tickets/mine/").content.decode()


@pytest.mark.parametrize("role", ["desk", "user"])
def test_the_page_makes_the_same_number_of_queries_for_more_results(client, demo, file_ticket,
                                                                    role):
    client.force_login(demo[role])
    file_ticket(title="查询计数 一")
    client.get("/search/", {"q": "查询计数"})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "查询计数"})
    for i in range(8):
        file_ticket(title=f"查询计数 {i}", description=f"第{i}台")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/search/", {"q": "查询计数"})
    assert response.content.decode().count('data-testid="search-result"') >= 9
    assert len(many) == len(few)
    assert len(many) <= 16
