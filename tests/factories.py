from datetime import timedelta

import factory

from accounts.models import Department, Organisation, Site, User
from accounts.roles import Role
from core.clock import now
from sla.models import Contract, ContractMember, ServiceCalendar

PASSWORD = "correct-horse-9"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"组织 {n}")
    kind = Organisation.Kind.CLIENT


class ProviderFactory(OrganisationFactory):
    kind = Organisation.Kind.PROVIDER


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"部门 {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"地点 {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    name = factory.Sequence(lambda n: f"人员 {n}")
    role = Role.END_USER
    organisation = factory.SubFactory(OrganisationFactory)
    phone = factory.Sequence(lambda n: f"1350000{n:04d}")
    password = factory.django.Password(PASSWORD)


class CalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCalendar
        django_get_or_create = ["code"]

    code = "7x24"
    name = "7×24"
    hours = "24x7"
    holidays = ServiceCalendar.Holidays.NONE


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    code = factory.Sequence(lambda n: f"C-{n}")
    name = factory.Sequence(lambda n: f"合同 {n}")
    client = factory.SubFactory(OrganisationFactory)
    provider = factory.SubFactory(ProviderFactory)
    # In force on the day the test runs (the clock may be frozen or moved years ahead).
    starts_on = factory.LazyFunction(lambda: now().date() - timedelta(days=180))
    ends_on = factory.LazyAttribute(lambda contract: contract.starts_on + timedelta(days=364))
    calendar = factory.SubFactory(CalendarFactory)
    project_manager = factory.SubFactory(
        UserFactory, role=Role.PROJECT_MANAGER, organisation=factory.SelfAttribute("..provider")
    )


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractMember

    contract = factory.SubFactory(ContractFactory)
    user = factory.SubFactory(UserFactory, role=Role.ENGINEER,
                              organisation=factory.SelfAttribute("..contract.provider"))
    duty = ContractMember.Duty.ENGINEER
