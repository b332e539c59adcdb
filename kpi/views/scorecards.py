"""Engineer scorecard pages (K2): a contract's quarter for managers, one scorecard with the
ratings form, an engineer's own scorecards, and a contract's scheme. Thin: parse, call
kpi/selectors/scorecards.py and kpi/services/scorecards.py, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.periods import Quarter
from kpi.forms.scorecards import OBJECTIVE_WEIGHTS, RATING_WEIGHTS, RatingForm, SchemeForm
from kpi.models import Scorecard
from kpi.models.scorecards import RATING_ITEMS
from kpi.permissions import has_own_scorecards, is_manager, reads_own
from kpi.selectors import scorecards as selectors
from kpi.services import scorecards as services
from sla.models import Contract
from sla.permissions import may_manage_contract

QUARTERS_SHOWN = 8


def _quarter_choices() -> list[Quarter]:
    return Quarter.current().and_before(QUARTERS_SHOWN)


def _parts(card: Scorecard) -> list[dict]:
    """The objective sub-scores with their labels, raw figures and the weights used."""
    f = card.figures or {}
    subs, weights = f.get("sub_scores", {}), f.get("weights", {})
    labels = {
        "volume": _("Tickets handled"), "on_time": _("On-time rate"),
        "satisfaction": _("Satisfaction"), "reopen": _("Reopen rate"),
        "complaints": _("Complaints"),
    }
    return [{"code": p, "label": labels[p], "score": subs.get(p), "weight": weights.get(p)}
            for p in selectors.OBJECTIVE_PARTS]


def _percent(value) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _figure_rows(card: Scorecard) -> list[tuple[str, str]]:
    f = card.figures or {}
    if not f:
        return []
    return [
        (_("Tickets resolved"), str(f.get("tickets_resolved", 0))),
        (_("Response in time"), _percent(f.get("response_attainment"))),
        (_("On-site arrival in time"), _percent(f.get("arrival_attainment"))),
        (_("Resolution in time"), _percent(f.get("resolution_attainment"))),
        (_("All clocks in time"), _percent(f.get("on_time_rate"))),
        (_("Satisfaction rate"), _percent(f.get("satisfaction_rate"))),
        (_("Surveys answered"), str(f.get("surveys_answered", 0))),
        (_("Reopen rate"), _percent(f.get("reopen_rate"))),
        (_("Complaints"), str(f.get("complaints", 0))),
    ]


@login_required
def scorecards(request):
    """Managers: one contract × quarter, every engineer of its team. Engineers: their own."""
    user = request.user
    if not is_manager(user):
        if has_own_scorecards(user):
            return mine(request)
        raise PermissionDenied
    contracts = list(selectors.scorecard_contracts(user).only("code", "name"))
    if not contracts:
        raise Http404
    code = request.GET.get("contract") or contracts[0].code
    try:
        contract = selectors.scorecard_contract(user, code)
    except Contract.DoesNotExist:
        raise Http404 from None
    current = Quarter.current()
    quarter = Quarter.parse(request.GET.get("quarter")) if request.GET.get("quarter") \
        else current
    if quarter is None:
        raise Http404
    future = quarter > current
    cards = [] if future else services.quarter_open(contract, quarter)
    choices = _quarter_choices()
    if quarter not in choices:
        choices.append(quarter)
    return render(request, "kpi/scorecards/list.html", {
        "contract": contract, "contracts": contracts, "quarter": quarter,
        "quarters": choices, "cards": [{"card": c, "parts": _parts(c)} for c in cards],
        "future": future, "may_rate": may_manage_contract(user, contract),
        # When the quarter's scores are computed (the beat job from the next quarter's 1st).
        "scores_on": _day_on_one_line(quarter.next().start),
        "renormalised": any((c.figures or {}).get("renormalised") for c in cards),
    })


@login_required
def mine(request):
    """The logged-in person's own scorecards on every contract, last quarters, read-only."""
    user = request.user
    if not reads_own(user):
        raise PermissionDenied
    oldest = _quarter_choices()[-1]
    cards = list(Scorecard.objects.filter(engineer=user, year__gte=oldest.year)
                 .select_related("contract").order_by("-year", "-quarter", "contract__code"))
    cards = [c for c in cards if selectors.quarter_of(c) >= oldest]
    return render(request, "kpi/scorecards/mine.html", {
        "cards": [{"card": c, "parts": _parts(c)} for c in cards],
        "current": Quarter.current(),
        "scores_on": _day_on_one_line(Quarter.current().next().start)})


def _card_or_404(user, pk: int) -> Scorecard:
    try:
        return selectors.scorecard_get(user, pk)
    except Scorecard.DoesNotExist:
        raise Http404 from None


@login_required
def detail(request, pk: int):
    """One scorecard: the objective figures and sub-scores, the ratings (a form for raters),
    the composite and the engineer's last four quarters on the contract."""
    user = request.user
    card = _card_or_404(user, pk)
    rater = may_manage_contract(user, card.contract) and is_manager(user) \
        and card.engineer_id != user.pk
    form = None
    if request.method == "POST":
        if not rater:
            raise PermissionDenied
        form = RatingForm(request.POST, card=card)
        if form.is_valid():
            try:
                services.scorecard_rate(actor=user, card=card, scores=form.scores(),
                                  notes=form.notes(), comment=form.cleaned_data["comment"])
            except services.ScorecardError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Ratings saved."))
                return redirect("kpi:scorecard", pk=card.pk)
    elif request.method != "GET":
        raise PermissionDenied
    else:
        card = services.scorecard_compute(card)
    ratings = list(card.ratings.all())  # prefetched with rated_by (scorecard_get)
    if rater and form is None:
        form = RatingForm(card=card)
    dims = selectors.dimension_scores(ratings)
    by_item = {r.item: r for r in ratings}
    dimensions = [{"code": dim, "label": label, "score": dims[dim],
                   "items": [{"code": code, "label": item_label, "rating": by_item.get(code)}
                             for code, item_label in items]}
                  for dim, label, items in RATING_ITEMS]
    history = selectors.engineer_history(card)
    parts, stored = _parts(card), card.figures or {}
    return render(request, "kpi/scorecards/detail.html", {
        "card": card, "quarter": selectors.quarter_of(card), "parts": parts,
        "figure_rows": _figure_rows(card), "dimensions": dimensions, "form": form,
        "rater": rater, "manager": is_manager(user), "history": history,
        "rated": len(ratings), "items_total": len(selectors.ITEM_CODES),
        "renormalised": stored.get("renormalised"),
        "left_out": [p for p in parts if p["score"] is None],
        "pass_mark": stored.get("pass_mark", 80),
        "objective_weight": stored.get("objective_weight"),
    })


@login_required
def scheme(request, code: str):
    """The contract's weights and scales; raters edit, the general manager reads."""
    user = request.user
    if not is_manager(user):
        raise PermissionDenied
    try:
        contract = selectors.scorecard_contract(user, code)
    except Contract.DoesNotExist:
        raise Http404 from None
    editable = may_manage_contract(user, contract)
    current = services.scheme_for(contract)
    own = current.contract_id == contract.pk
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = SchemeForm(request.POST, instance=current if own else None)
        if form.is_valid():
            services.scheme_save(actor=user, contract=contract, values=form.values())
            messages.success(request, _("Scheme saved. Scorecards use it when next computed."))
            return redirect("kpi:scorecard_scheme", code=contract.code)
    else:
        form = SchemeForm(instance=current)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    history = list(current.history.select_related("history_user")[:10]) if own else []
    return render(request, "kpi/scorecards/scheme.html", {
        "contract": contract, "form": form, "editable": editable, "own": own,
        "objective_fields": [form[n] for n in OBJECTIVE_WEIGHTS],
        "rating_fields": [form[n] for n in RATING_WEIGHTS],
        "scale_fields": [form[n] for n in ("volume_target", "reopen_penalty",
                                           "complaint_penalty")],
        "history": history,
    })


def _day_on_one_line(day) -> str:
    """2027-01-01 inside a sentence, kept from wrapping at its hyphens."""
    return format_html('<span class="text-nowrap">{}</span>', day.isoformat())
