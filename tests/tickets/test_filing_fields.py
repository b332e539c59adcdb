"""The filing forms' contract and service type (tickets.forms ContractInForceField,
ActiveServiceTypeField) are read by queries compiled once (issue 19): for every person, every
contract code (one no longer in force, one not yet, an unknown one) and every service type code
(an inactive one), the field gives what the choices' queryset gives, or the same error."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from core.clock import now
from sla.models import Contract
from tests.prepared_runs import prepared_runs
from tickets.forms import LogCallForm, PortalTicketForm
from tickets.models import ServiceType


def _cleaned(field, value):
    try:
        return field.clean(value)
    except ValidationError as error:
        return (error.code, error.messages)


def _by_queryset(field, value):
    """What Django's ModelChoiceField gives for the value (the field's queryset looked up)."""
    return _cleaned(type(field).__mro__[1](queryset=field.queryset, to_field_name="code",
                                           empty_label=None), value)


@pytest.fixture
def odd_contracts_and_types(scope_edge_people):
    today = now().date()
    Contract.objects.filter(code="DEMO-SERVER").update(
        starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=1))
    Contract.objects.filter(code="BC03-SERVER").update(starts_on=today + timedelta(days=1))
    ServiceType.objects.filter(code="meeting").update(active=False)


def test_the_contract_and_service_type_are_what_the_querysets_give(db, odd_contracts_and_types):
    codes = [*Contract.objects.values_list("code", flat=True), "NO-SUCH", "demo-desktop", ""]
    types = [*ServiceType.objects.values_list("code", flat=True), "nothing", ""]
    with prepared_runs() as runs:
        for person in User.objects.all():
            form = PortalTicketForm(user=person)
            contract, service_type = form.fields["contract"], form.fields["service_type"]
            for code in codes:
                assert _cleaned(contract, code) == _by_queryset(contract, code), (
                    person.username, code)
            for code in types:
                assert _cleaned(service_type, code) == _by_queryset(service_type, code), code
    assert runs  # the compiled queries answered


def test_a_contract_out_of_force_is_refused_with_djangos_words(demo, odd_contracts_and_types):
    form = PortalTicketForm({"contract": "DEMO-SERVER", "service_type": "meeting",
                             "title": "x", "kind": "fault",
                             "submission_key": "6c0b6a5e-7d0e-4a8e-9a59-2f1f4c1e8e01"},
                            user=demo["user"])
    assert not form.is_valid()
    assert form.errors["contract"][0].startswith("选择一个有效的选项") or (
        "valid choice" in form.errors["contract"][0])
    assert "service_type" in form.errors


def test_the_desks_call_form_takes_a_contract_by_code(demo):
    form = LogCallForm(user=demo["desk"])
    assert form.fields["contract"].clean("DEMO-DESKTOP").code == "DEMO-DESKTOP"
    with pytest.raises(ValidationError):
        form.fields["contract"].clean("DEMO\x00DESKTOP")  # Django's own way: refused
