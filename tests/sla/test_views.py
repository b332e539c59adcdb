from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ContractFactory, MemberFactory


def test_contract_detail_shows_team_and_contacts(demo, login):
    page = login(demo["client"]).get("/contracts/DEMO-DESKTOP/").content.decode()
    assert "李娜" in page  # project manager
    assert "刘强" in page  # engineer on the team
    assert "周静" in page  # client IT contact
    # The weekly hours in words, not the raw spec (mon-sat 09:00-21:00 … Asia/Shanghai).
    assert "周一至周六 09:00–21:00，法定节假日休息，调休上班日照常" in page
    assert "mon-sat" not in page and "Asia/Shanghai" not in page


def test_contract_list_queries_do_not_grow_with_contracts(demo, login):
    client = login(demo["gm"])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/contracts/").status_code == 200
    for _ in range(10):
        MemberFactory(contract=ContractFactory())
    with CaptureQueriesContext(connection) as many:
        page = client.get("/contracts/")
    assert page.content.decode().count("<tr>") >= 12
    assert len(many) == len(few)
    assert len(many) <= 8


def test_manager_home_queries_are_constant(demo, login):
    client = login(demo["gm"])
    with CaptureQueriesContext(connection) as few:
        client.get("/manage/")
    for _ in range(5):
        ContractFactory()
    with CaptureQueriesContext(connection) as many:
        client.get("/manage/")
    assert len(many) == len(few)


def test_people_directory_queries_are_constant(demo, login):
    client = login(demo["gm"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/people/")
    assert page.status_code == 200
    assert len(queries) <= 8


def test_the_desk_finds_a_caller_by_phone_with_htmx(demo, login):
    client = login(demo["desk"])
    response = client.get("/people/", {"q": "13900000003"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "郑浩" in body
    assert "<html" not in body  # only the result rows


def test_the_desk_finds_a_caller_by_employee_number(demo, login):
    body = login(demo["desk"]).get("/people/", {"q": "MY0002"}).content.decode()
    assert "吴芳" in body


def test_end_users_may_not_open_the_directory(demo, login):
    assert login(demo["user"]).get("/people/").status_code == 403
