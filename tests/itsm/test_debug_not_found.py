"""With DEBUG on (`make run`), only administrators see Django's technical 404 page: it lists every
URL pattern of the portal. Everyone else gets the portal's own 404 page."""

import pytest

from tickets.models import Ticket

URL_MAP = "Django tried these URL patterns"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def other_clients_ticket(demo):
    return Ticket.objects.get(title__startswith="交易数据库服务器")  # 恒通证券's server contract


def test_it_shows_the_real_404_page_to_a_client_opening_another_clients_ticket(
        debug, demo, login, other_clients_ticket):
    response = login(demo["client"]).get(f"/tickets/{other_clients_ticket.number}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert URL_MAP not in page
    assert "URLconf" not in page and "DEBUG = True" not in page
    assert "页面不存在" in page or "does not exist" in page
    assert 'data-testid="current-user"' in page  # the portal's layout, not Django's


@pytest.mark.parametrize("role", [None, "user", "engineer", "pm"])
def test_it_hides_the_url_map_of_an_unknown_path_from_everyone_but_admins(
        debug, demo, client, role):
    if role:
        client.force_login(demo[role])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert URL_MAP not in response.content.decode()


def test_it_still_shows_administrators_the_technical_page(debug, demo, login):
    response = login(demo["admin"]).get("/no-such-page/")
    assert response.status_code == 404
    assert URL_MAP in response.content.decode()


def test_it_leaves_the_apis_json_404_as_json(debug, demo, login, other_clients_ticket):
    response = login(demo["client"]).get(f"/api/tickets/{other_clients_ticket.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_it_changes_nothing_when_debug_is_off(demo, login):
    response = login(demo["admin"]).get("/no-such-page/")
    assert response.status_code == 404
    assert URL_MAP not in response.content.decode()

