from accounts.models import Organisation, User
from accounts.roles import Role
from demo.data import load_demo
from sla.models import Contract

LOGINS = {"admin": Role.ADMIN, "desk": Role.AGENT, "engineer": Role.ENGINEER,
          "engineer2": Role.SECOND_LINE, "pm": Role.PROJECT_MANAGER,
          "delivery": Role.DELIVERY_MANAGER, "gm": Role.GENERAL_MANAGER,
          "client": Role.CLIENT_CONTACT, "user": Role.END_USER, "user2": Role.END_USER}


def test_it_creates_one_login_per_role_with_the_demo_password(demo):
    for username, role in LOGINS.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password("demo12345"), username


def test_it_matches_the_seed_contracts(demo):
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    assert desktop.calendar.hours == "mon-sat 09:00-21:00"
    assert desktop.client_contacts.filter(username="client").exists()
    server = Contract.objects.get(code="DEMO-SERVER")
    assert server.calendar.hours == "24x7"
    assert desktop.client != server.client


def test_it_puts_the_two_end_users_in_different_departments_of_the_desktop_client(demo):
    user, user2 = demo["user"], demo["user2"]
    assert user.organisation == user2.organisation == Contract.objects.get(
        code="DEMO-DESKTOP").client
    assert user.department != user2.department


def test_it_is_idempotent(demo):
    before = (Organisation.objects.count(), User.objects.count(), Contract.objects.count())
    load_demo()
    load_demo()
    after = (Organisation.objects.count(), User.objects.count(), Contract.objects.count())
    assert before == after
    assert 25 <= after[1] <= 40
    assert User.objects.get(username="desk").check_password("demo12345")


def test_it_leaves_people_without_a_login_unable_to_log_in(demo):
    assert not User.objects.get(username="my-wangjing").has_usable_password()


def test_every_demo_person_passes_model_validation(demo):
    for user in User.objects.all():
        user.full_clean(exclude=["password"])
    for contract in Contract.objects.all():
        contract.full_clean()
