"""People management in the portal (issue 15, point 11): administrators manage everyone,
project managers the client people of their contracts; role changes are security events."""

from __future__ import annotations

import pytest

from accounts.models import Organisation, SecurityEvent, User
from accounts.roles import Role
from accounts.services import person_add, person_set_active, person_update
from core.errors import ActionRefused, InvalidInput, PermissionRefused


@pytest.fixture
def mingyuan(demo):
    return Organisation.objects.get(code="MINGYUAN")


@pytest.fixture
def provider(demo):
    return Organisation.objects.get(code="HUAXIN-OPS")


def test_it_lets_a_pm_add_a_client_person(demo, mingyuan):
    person = person_add(actor=demo["pm"], organisation=mingyuan, name="新员工", phone="13911112222",
                        employee_no="MY9001")
    assert person.role == Role.END_USER
    assert person.username == "mingyuan-my9001"
    assert not person.has_usable_password()
    assert person.history.first().history_user == demo["pm"]


def test_it_refuses_a_pm_adding_provider_people(demo, provider):
    with pytest.raises(PermissionRefused):
        person_add(actor=demo["pm"], organisation=provider, name="某人", role=Role.AGENT)


def test_it_refuses_a_pm_giving_a_provider_role(demo, mingyuan):
    with pytest.raises(PermissionRefused) as refused:
        person_update(actor=demo["pm"], person=demo["user"], role=Role.ADMIN)
    assert refused.value.field == "role"


def test_it_refuses_the_desk(demo, mingyuan):
    with pytest.raises(PermissionRefused):
        person_add(actor=demo["desk"], organisation=mingyuan, name="某人")


def test_it_refuses_a_phone_another_client_person_has(demo, mingyuan):
    with pytest.raises(InvalidInput) as refused:
        person_add(actor=demo["admin"], organisation=mingyuan, name="重复", phone="13900000002")
    assert refused.value.code == "duplicate"
    assert refused.value.field == "phone"


def test_it_refuses_a_duplicate_employee_number_as_a_field_error(demo, mingyuan):
    with pytest.raises(InvalidInput) as refused:
        person_add(actor=demo["admin"], organisation=mingyuan, name="重复", employee_no="MY0002")
    assert "employee_no" in refused.value.errors


def test_it_records_a_role_change_as_a_security_event(demo):
    person_update(actor=demo["admin"], person=demo["user2"], role=Role.CLIENT_CONTACT)
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_CHANGED).latest("at")
    assert event.details["from"] == Role.END_USER
    assert event.details["to"] == Role.CLIENT_CONTACT


def test_it_edits_details_without_a_role_event(demo):
    before = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_CHANGED).count()
    person = person_update(actor=demo["pm"], person=demo["user2"], phone="13955556666")
    assert User.objects.get(pk=person.pk).phone == "13955556666"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_CHANGED).count() == before


def test_it_deactivates_and_reactivates(demo):
    person_set_active(actor=demo["pm"], person=demo["user2"], active=False)
    assert not User.objects.get(pk=demo["user2"].pk).is_active
    person_set_active(actor=demo["pm"], person=demo["user2"], active=True)
    assert User.objects.get(pk=demo["user2"].pk).is_active


def test_it_refuses_deactivating_oneself(demo):
    with pytest.raises(ActionRefused):
        person_set_active(actor=demo["admin"], person=demo["admin"], active=False)


# --- pages ------------------------------------------------------------------------------------

def test_it_shows_manage_links_to_a_pm(demo, login):
    page = login(demo["pm"]).get("/people/")
    assert b'data-testid="person-new"' in page.content
    assert f'/people/{demo["user"].pk}/edit/'.encode() in page.content
    # Provider colleagues are listed but not editable by a PM.
    assert f'/people/{demo["desk"].pk}/edit/'.encode() not in page.content


def test_it_adds_a_person_through_the_page(demo, login):
    response = login(demo["pm"]).post("/people/new/", {
        "organisation": "MINGYUAN", "name": "页面新增", "role": Role.END_USER,
        "phone": "13977778888", "employee_no": "MY7777"})
    assert response.status_code == 302
    assert User.objects.filter(name="页面新增", organisation__code="MINGYUAN").exists()


def test_it_shows_a_duplicate_phone_on_the_form(demo, login):
    response = login(demo["pm"]).post("/people/new/", {
        "organisation": "MINGYUAN", "name": "页面新增", "role": Role.END_USER,
        "phone": "13900000002"})
    assert response.status_code == 200
    assert "吴芳" in response.content.decode()
    assert not User.objects.filter(name="页面新增").exists()


def test_it_gives_a_pm_no_provider_roles_to_choose(demo, login):
    page = login(demo["pm"]).get("/people/new/").content.decode()
    assert 'value="end_user"' in page
    assert 'value="admin"' not in page


def test_it_gives_404_for_a_person_the_pm_may_not_edit(demo, login):
    assert login(demo["pm"]).get(f"/people/{demo['desk'].pk}/edit/").status_code == 404


def test_it_deactivates_through_a_post(demo, login):
    client = login(demo["pm"])
    assert client.get(f"/people/{demo['user2'].pk}/deactivate/").status_code == 405
    assert client.post(f"/people/{demo['user2'].pk}/deactivate/").status_code == 302
    assert not User.objects.get(pk=demo["user2"].pk).is_active


def test_it_says_which_filters_left_the_list_empty(demo, login):
    page = login(demo["pm"]).get("/people/?q=nobody-has-this&active=no").content.decode()
    assert 'data-testid="no-people"' in page
    assert "nobody-has-this" in page
    assert 'data-testid="clear-filters"' in page


def test_it_lists_people_in_constant_queries(demo, login, django_assert_max_num_queries):
    client = login(demo["admin"])
    client.get("/people/")
    with django_assert_max_num_queries(12):
        client.get("/people/?active=all")
