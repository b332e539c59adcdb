"""core.forms.offer_later: a model choice field's queryset built only when read, so a posted
form leaving the field empty builds none; options and validation as with the queryset set."""

from django import forms

from core.forms import offer_later
from tickets.models import ServiceType


class _Form(forms.Form):
    kind = forms.ModelChoiceField(queryset=None, required=False, to_field_name="code")


def _form(data=None, *, only=None):
    built = []
    form = _Form(data)

    def make():
        built.append(True)
        types = ServiceType.objects.order_by("code")
        return types.filter(code__in=only) if only else types

    offer_later(form.fields["kind"], make)
    return form, built


def test_nothing_is_built_for_an_empty_value_and_a_value_is_checked_once(db, demo):
    form, built = _form({"kind": ""})
    assert form.is_valid() and form.cleaned_data["kind"] is None and built == []
    form, built = _form({"kind": "hardware"})
    assert form.is_valid() and form.cleaned_data["kind"].code == "hardware" and built == [True]
    form, built = _form({"kind": "hardware"}, only=["network"])  # outside the queryset
    assert not form.is_valid() and "kind" in form.errors and built == [True]


def test_the_options_are_the_querysets_when_rendered(db, demo):
    form, built = _form()
    assert built == []
    html = str(form["kind"])
    assert built == [True]
    for code in ServiceType.objects.values_list("code", flat=True):
        assert f'value="{code}"' in html
    expected = _Form()
    expected.fields["kind"].queryset = ServiceType.objects.order_by("code")
    assert html == str(expected["kind"])
    assert len(form.fields["kind"].widget.choices) == ServiceType.objects.count() + 1


def test_a_queryset_set_afterwards_wins_and_fields_of_the_class_are_untouched(db, demo):
    form, built = _form()
    form.fields["kind"].queryset = ServiceType.objects.filter(code="network")
    assert list(form.fields["kind"].queryset) == [ServiceType.objects.get(code="network")]
    assert built == []
    assert type(_Form.base_fields["kind"]) is forms.ModelChoiceField
