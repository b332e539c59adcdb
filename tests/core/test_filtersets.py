"""core.filters.FilterSet copies its filters per instance without a deep copy (issue 19): each
FilterSet has its own filters, bound to it, with their own form-field arguments."""

import copy

import django_filters
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.http import QueryDict

from assets.filters import AssetFilterSet
from core.filters import FilterSet
from surveys.filters import ComplaintFilterSet
from tickets.filters import TicketFilterSet
from tickets.models import Ticket


def test_each_filterset_has_its_own_filters_bound_to_itself():
    first = TicketFilterSet(QueryDict("view=open"), queryset=Ticket.objects.none())
    second = TicketFilterSet(QueryDict("view=closed"), queryset=Ticket.objects.none())
    for name, one in first.filters.items():
        other = second.filters[name]
        assert one is not other and one is not TicketFilterSet.base_filters[name]
        assert one.parent is first and other.parent is second
        assert one.extra == other.extra and one.extra is not other.extra
        if one.method is not None:  # the method filter calls the FilterSet it belongs to
            assert one.filter.f is one and other.filter.f is other
            assert one.filter.method.__self__ is first
            assert other.filter.method.__self__ is second


def _comparable(attributes: dict) -> dict:
    """A filter's attributes, a queryset as its model and SQL (copies are never the same
    object), without the bound method filter and extra (compared apart) and the form field a
    base filter may have cached (the OpenAPI schema builds them): a copy builds its own."""
    return {key: (value.model, _sql(value)) if isinstance(value, QuerySet) else value
            for key, value in attributes.items() if key not in ("filter", "extra", "_field")}


def _sql(queryset: QuerySet) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:  # a queryset that can match nothing has no SQL
        return "nothing"


def test_a_copy_has_what_a_deep_copy_has(db):
    for filterset in (TicketFilterSet, AssetFilterSet, ComplaintFilterSet):
        cheap = copy.deepcopy(filterset.base_filters)
        deep = {name: copy.deepcopy(one) for name, one in filterset.base_filters.items()}
        assert list(cheap) == list(deep)
        for name, one in cheap.items():
            assert _comparable(vars(one)) == _comparable(vars(deep[name])), name
            assert "_field" not in vars(one)
            queryset = vars(one).get("queryset")
            if isinstance(queryset, QuerySet):
                assert queryset is not filterset.base_filters[name].queryset
            assert _comparable(one.extra) == _comparable(deep[name].extra)


def test_a_model_choice_filter_keeps_its_queryset_to_its_filterset(demo):
    from sla.models import Contract

    class Contracts(FilterSet):
        contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all())

        class Meta:
            model = Ticket
            fields = []

    first = Contracts(QueryDict(), queryset=Ticket.objects.none())
    second = Contracts(QueryDict(), queryset=Ticket.objects.none())
    first.filters["contract"].extra["queryset"] = Contract.objects.none()
    assert second.filters["contract"].extra["queryset"].model is Contract
    assert list(second.filters["contract"].extra["queryset"])  # not the first's empty one
    assert "queryset" in Contracts.base_filters["contract"].extra


def _form_field_state(field) -> dict:
    """What a form field holds, its choices as the pairs they give (an iterator of choices is
    a new object in every copy), a model choice field's queryset as its model and SQL, and its
    widget's attributes, by value."""
    state = _comparable({key: value for key, value in vars(field).items()
                         if key not in ("widget", "_choices", "error_messages", "validators")})
    state["choices"] = list(field.choices) if hasattr(field, "choices") else None
    state["widget"] = (type(field.widget), field.widget.attrs,
                       list(getattr(field.widget, "choices", [])))
    state["error_messages"] = field.error_messages
    state["validators"] = field.validators
    return state


def test_a_filter_forms_fields_are_its_own_as_with_a_deep_copy(db):
    for filterset in (TicketFilterSet, AssetFilterSet, ComplaintFilterSet):
        form_class = filterset(QueryDict(), queryset=filterset._meta.model.objects.none()
                               ).get_form_class()
        fields = form_class.base_fields
        cheap = copy.deepcopy(fields)
        deep = {name: copy.deepcopy(field) for name, field in fields.items()}
        assert list(cheap) == list(deep)
        for name, field in cheap.items():
            original = fields[name]
            assert field is not original and field.widget is not original.widget, name
            assert field.widget.attrs is not original.widget.attrs, name
            assert field.error_messages is not original.error_messages, name
            assert field.validators is not original.validators, name
            assert _form_field_state(field) == _form_field_state(deep[name]), name
            choices = field.__dict__.get("_choices")
            if hasattr(choices, "field"):  # django-filter's iterator reads its own field
                assert choices.field is field and original._choices.field is original
                assert choices.choices is original._choices.choices  # shared, not copied
            elif isinstance(choices, list):
                assert choices is not original._choices and choices == original._choices


def test_a_change_to_one_forms_field_stays_in_that_form():
    data = QueryDict("view=open")
    first = TicketFilterSet(data, queryset=Ticket.objects.none()).form
    second = TicketFilterSet(data, queryset=Ticket.objects.none()).form
    first.fields["view"].choices = [("open", "only open")]
    first.fields["view"].widget.attrs["class"] = "changed"
    first.fields["sort"].null_label = "nothing"
    assert [value for value, _ in second.fields["sort"].choices][1:] == [
        value for value, _ in TicketFilterSet.base_filters["sort"].extra["choices"]]
    assert len(second.fields["view"].choices) == 6  # the empty choice and the five views
    assert "class" not in second.fields["view"].widget.attrs
    assert second.fields["sort"].null_label is None
    assert first.is_valid() and second.is_valid()


def test_a_plain_choice_fields_list_is_each_forms_own():
    from django import forms

    class PlainChoiceFilter(django_filters.Filter):
        field_class = forms.ChoiceField  # Django's, whose choices are a list

    class Plain(FilterSet):
        colour = PlainChoiceFilter(choices=[("r", "red")])

        class Meta:
            model = Ticket
            fields = []

    # Two forms of one form class (as the ticket list's, made once per process).
    form_class = Plain(QueryDict(), queryset=Ticket.objects.none()).get_form_class()
    first, second = form_class(QueryDict()), form_class(QueryDict())
    assert isinstance(first.fields["colour"].choices, list)
    first.fields["colour"].choices.append(("g", "green"))  # changed in place in one form only
    assert second.fields["colour"].choices == [("r", "red")]
    assert Plain(QueryDict("colour=r"), queryset=Ticket.objects.none()).form.is_valid()
    assert not Plain(QueryDict("colour=g"), queryset=Ticket.objects.none()).form.is_valid()
