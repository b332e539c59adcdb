"""A user of one client never sees another client's contract or people (REQUIREMENTS X2, X6)."""

import pytest

from accounts.selectors import people_visible_to, sites_visible_to
from sla.selectors import contracts_visible_to


def codes(user):
    return set(contracts_visible_to(user).values_list("code", flat=True))


def usernames(user):
    return set(people_visible_to(user).values_list("username", flat=True))


def test_client_contact_sees_only_their_contract(demo):
    assert codes(demo["client"]) == {"DEMO-DESKTOP"}


def test_end_users_see_their_organisations_contracts_only(demo):
    assert codes(demo["user"]) == {"DEMO-DESKTOP"}


def test_staff_see_the_contracts_they_are_on(demo):
    assert codes(demo["engineer"]) == {"DEMO-DESKTOP"}
    assert codes(demo["engineer2"]) == {"DEMO-DESKTOP", "DEMO-SERVER"}
    assert codes(demo["pm"]) == {"DEMO-DESKTOP", "DEMO-SERVER"}
    assert codes(demo["desk"]) == {"DEMO-DESKTOP", "DEMO-SERVER"}


def test_management_roles_see_every_contract(demo):
    for username in ["gm", "delivery", "admin"]:
        assert codes(demo[username]) == {"DEMO-DESKTOP", "DEMO-SERVER"}


def test_client_contact_sees_their_people_and_their_team_but_not_the_other_client(demo):
    visible = usernames(demo["client"])
    assert {"user", "user2", "client", "pm", "desk", "engineer", "engineer2"} <= visible
    assert not any(name.startswith("ht-") for name in visible)
    assert "helei" not in visible  # on the other contract's team only
    assert "gm" not in visible


def test_end_users_see_only_themselves(demo):
    assert usernames(demo["user"]) == {"user"}


def test_engineers_see_colleagues_and_clients_they_serve_only(demo):
    visible = usernames(demo["engineer"])
    assert {"user", "client", "desk", "gm"} <= visible
    assert not any(name.startswith("ht-") for name in visible)


def test_sites_follow_the_contracts(demo):
    names = set(sites_visible_to(demo["client"]).values_list("name", flat=True))
    assert "总部大楼 3 层" in names and "主数据中心机房" not in names


@pytest.mark.parametrize("username", ["client", "user", "engineer"])
def test_the_other_clients_contract_page_answers_404(demo, login, username):
    client = login(demo[username])
    assert client.get("/contracts/DEMO-SERVER/").status_code == 404
    assert client.get("/api/contracts/DEMO-SERVER/").status_code == 404
    assert b"DEMO-SERVER" not in client.get("/contracts/").content
    listed = {c["code"] for c in client.get("/api/contracts/").json()["results"]}
    assert "DEMO-SERVER" not in listed


def test_the_other_clients_people_are_not_in_the_api_or_directory(demo, login):
    client = login(demo["client"])
    people = client.get("/api/people/?page_size=500").json()["results"]
    assert people and not any(p["username"].startswith("ht-") for p in people)
    other = demo["ht-fengjun"]
    assert client.get(f"/api/people/{other.pk}/").status_code == 404
    page = client.get("/people/?q=冯军").content.decode()
    # The name may be echoed where the user typed it (the search box, the empty state's filter
    # badge), never as a listed person.
    assert 'data-testid="no-people"' in page and f"/people/{other.pk}/" not in page
    assert "冯军" not in page.replace('value="冯军"', "").replace("=冯军</span>", "")


def test_inactive_people_see_nothing(demo):
    user = demo["client"]
    user.is_active = False
    assert codes(user) == set()
    assert usernames(user) == set()


def test_a_new_client_contact_not_on_a_contract_sees_none(demo):
    from tests.factories import UserFactory

    stranger = UserFactory(role="client_contact", organisation=demo["client"].organisation)
    assert codes(stranger) == set()


def test_one_contracts_visibility_is_the_lists(demo):
    """contract_visible_to answers some roles without a query; always as the list does."""
    from django.contrib.auth.models import AnonymousUser

    from sla.models import Contract
    from sla.selectors import contract_visible_to

    contracts = list(Contract.objects.all())
    people = [*demo.values(), AnonymousUser()]
    inactive = demo["user2"]
    inactive.is_active = False
    for person in people:
        visible = set(contracts_visible_to(person))
        for contract in contracts:
            assert contract_visible_to(person, contract) == (contract in visible), (
                person, contract)


def test_the_prepared_codes_are_the_visible_contracts_for_every_person(
        demo, scope_edge_people):
    """visible_contract_codes reads (id, code) through a query compiled once per rule
    (issue 19): for every demo person, one on a project as its manager only, an inactive one
    and an end user without an organisation, the rows of contracts_visible_to, by code."""
    from accounts.models import User
    from core import batch
    from sla.selectors import visible_contract_codes

    manager_only = scope_edge_people
    people = list(User.objects.order_by("pk"))
    seen = set()
    for person in people:
        with batch.scope():
            codes = visible_contract_codes(person)
        expected = list(contracts_visible_to(person).order_by("code").values_list("pk", "code"))
        assert codes == expected, person.username
        seen.add(len(codes))
    assert seen >= {0, 1, 2}
    assert [code for _pk, code in visible_contract_codes(manager_only)] == ["DEMO-SERVER"]


def test_a_contract_by_code_is_found_only_among_the_visible_ones(demo, scope_edge_people):
    """visible_contract_by_code (filing through the API names the contract by code): for every
    demo person, a manager-only project, an inactive person and an end user without an
    organisation, each code gives the contract exactly when contracts_visible_to holds it;
    the API answers an unseen code as an unknown one."""
    from rest_framework.test import APIClient

    from accounts.models import User
    from sla.models import Contract
    from sla.selectors import visible_contract_by_code

    codes = [*Contract.objects.values_list("code", flat=True), "NO-SUCH-CODE", "demo-desktop"]
    found_some = missing_some = False
    for person in User.objects.order_by("pk"):
        for code in codes:
            expected = contracts_visible_to(person).filter(code=code).first()
            found = visible_contract_by_code(person, code)
            assert found == expected, (person.username, code)
            found_some |= found is not None
            missing_some |= found is None and code.startswith("DEMO")
    assert found_some and missing_some
    client = APIClient()
    client.force_authenticate(demo["user"])  # an end user of DEMO-DESKTOP's client
    body = {"service_type": "hardware", "title": "标题"}
    unseen = client.post("/api/tickets/", {**body, "contract": "DEMO-SERVER"}, format="json")
    unknown = client.post("/api/tickets/", {**body, "contract": "NO-SUCH"}, format="json")
    assert unseen.status_code == unknown.status_code == 400
    said = unknown.json()["errors"]["contract"]
    assert "NO-SUCH" in said[0]
    assert unseen.json()["errors"]["contract"] == [said[0].replace("NO-SUCH", "DEMO-SERVER")]
    for odd in (12, ["DEMO-DESKTOP"], "DEMO\x00DESKTOP"):
        assert client.post("/api/tickets/", {**body, "contract": odd},
                           format="json").status_code == 400
