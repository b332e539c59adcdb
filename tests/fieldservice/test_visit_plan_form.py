"""The ticket page's visit planning form (issue 19): shown, it offers the people the dispatch
form offers, from the same rows, without building a queryset; posted, the queryset checks the
engineer chosen."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.clock import now
from fieldservice.forms.visits import VisitPlanForm
from tickets.forms import DispatchForm
from tickets.selectors import assignable_engineers


def test_shown_it_offers_the_dispatch_forms_people_and_posted_it_checks_them(demo, dispatched):
    shown = VisitPlanForm(ticket=dispatched)
    offered = [str(v) for v, _label in shown.fields["engineer"].choices if v]
    assert offered == [str(p.pk) for p in assignable_engineers(contract=dispatched.contract)]
    assert offered == [str(v) for v, _label in
                       DispatchForm(ticket=dispatched).fields["assignee"].choices if v]
    assert shown.initial["engineer"] == dispatched.assignee_id
    # Unbound, the field keeps the class's empty queryset: nothing validates against it.
    assert not shown.fields["engineer"].queryset.exists()

    when = timezone.localtime(now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    posted = VisitPlanForm({"engineer": demo["engineer"].pk, "planned_at": when},
                           ticket=dispatched)
    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data["engineer"] == demo["engineer"]
    refused = VisitPlanForm({"engineer": demo["user"].pk, "planned_at": when},
                            ticket=dispatched)
    assert not refused.is_valid() and "engineer" in refused.errors
