"""LDAP sign-in against a private slapd (tests/sso/slapd.py): people and groups in the
directory, the login page and the lockout as for local accounts."""

import pytest
from django.test import override_settings

from accounts.models import SecurityEvent, User
from accounts.roles import Role
from sla.models import Contract, ContractMember
from tests.factories import PASSWORD, UserFactory
from tests.sso.conftest import GROUP_MEMBERS, PASSWORDS, group_dn
from tests.sso.slapd import ADMIN_DN, PEOPLE

pytestmark = pytest.mark.directory

LOCKED = "登录失败次数过多"


def _log_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def _duty(user, code):
    place = ContractMember.objects.filter(user=user, contract__code=code).first()
    return place.duty if place else None


def _take_out(slapd, cn, uid):
    """Take a person out of a group (groupOfNames keeps one member: the admin stands in)."""
    members = [f"uid={m},{PEOPLE}" for m in GROUP_MEMBERS[cn] if m != uid] or [ADMIN_DN]
    slapd.modify(f"dn: {group_dn(cn)}\nchangetype: modify\nreplace: member\n"
                 + "".join(f"member: {dn}\n" for dn in members))


def test_it_signs_in_with_the_directory_password_and_creates_the_person(client, ldap_on):
    response = _log_in(client, "alice", PASSWORDS["alice"])
    assert response.status_code == 302
    alice = User.objects.get(username="alice")
    assert int(client.session["_auth_user_id"]) == alice.pk
    assert (alice.name, alice.email) == ("目录 alice", "alice@example.com")
    assert not alice.has_usable_password()  # the directory holds the password
    assert alice.role == Role.ENGINEER
    assert _duty(alice, "SSO-A") == ContractMember.Duty.ENGINEER
    assert _duty(alice, "SSO-B") is None
    assert alice.organisation == Contract.objects.get(code="SSO-A").provider
    assert not alice.is_superuser and not alice.is_staff


def test_it_refuses_a_wrong_directory_password(client, ldap_on):
    response = _log_in(client, "alice", "not-her-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="alice").exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED,
                                        username="alice").exists()


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_LOCKOUT_SECONDS=600)
def test_the_lockout_counts_wrong_directory_passwords(client, ldap_on):
    for _attempt in range(2):
        _log_in(client, "alice", "guess")
    response = _log_in(client, "alice", PASSWORDS["alice"])
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_person_taken_out_of_a_group_loses_the_role_and_the_contract(client, ldap_on):
    _log_in(client, "alice", PASSWORDS["alice"])
    alice = User.objects.get(username="alice")
    # A place the portal's administrators gave her on a contract the mapping does not name.
    ContractMember.objects.create(contract=Contract.objects.get(code="OTHER"), user=alice,
                                  duty=ContractMember.Duty.ENGINEER)
    for cn in ("itsm-engineers", "contract-a"):
        _take_out(ldap_on, cn, "alice")
    client.logout()
    assert _log_in(client, "alice", PASSWORDS["alice"]).status_code == 302
    alice.refresh_from_db()
    assert alice.role == Role.END_USER
    assert _duty(alice, "SSO-A") is None
    assert _duty(alice, "OTHER") == ContractMember.Duty.ENGINEER
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_CHANGED,
                                        target__contains="alice").exists()


def test_a_client_it_group_makes_a_contact_of_the_mapped_contracts(client, ldap_on):
    assert _log_in(client, "bob", PASSWORDS["bob"]).status_code == 302
    bob = User.objects.get(username="bob")
    assert bob.role == Role.CLIENT_CONTACT
    assert set(bob.contact_for_contracts.values_list("code", flat=True)) == {"SSO-A", "SSO-B"}
    assert bob.organisation == Contract.objects.get(code="SSO-A").client
    assert not ContractMember.objects.filter(user=bob).exists()


def test_only_a_group_mapped_to_it_makes_an_administrator(client, ldap_on):
    assert _log_in(client, "carol", PASSWORDS["carol"]).status_code == 302
    assert User.objects.get(username="carol").role == Role.ADMIN
    client.logout()
    # dave's only group is not in the mapping: the least role, nothing more.
    assert _log_in(client, "dave", PASSWORDS["dave"]).status_code == 302
    dave = User.objects.get(username="dave")
    assert (dave.role, dave.is_superuser, dave.is_staff) == (Role.END_USER, False, False)


def test_local_accounts_still_log_in_beside_the_directory(client, ldap_on):
    local = UserFactory(username="local-desk", role=Role.AGENT, organisation=None)
    assert _log_in(client, "local-desk", PASSWORD).status_code == 302
    assert int(client.session["_auth_user_id"]) == local.pk


def test_a_directory_that_cannot_be_reached_answers_like_a_wrong_password(client, ldap_on):
    ldap_on.stop()
    response = _log_in(client, "alice", PASSWORDS["alice"])
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_required_group_keeps_everyone_else_out(client, ldap_on, settings):
    settings.AUTH_LDAP_REQUIRE_GROUP = group_dn("itsm-engineers")
    assert _log_in(client, "dave", PASSWORDS["dave"]).status_code == 200
    assert "_auth_user_id" not in client.session
    assert _log_in(client, "alice", PASSWORDS["alice"]).status_code == 302
