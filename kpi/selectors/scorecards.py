"""Engineer scorecards (K2): the objective part of a quarter read from the daily rollup, the
managers' ratings on seed 000's four dimensions, the composite score and the "not up to
standard" flag (seed 000: under 80 in a quarter → the PM is told, who may ask for a replacement).

Here: who sees which scorecard, and the scoring (reads only); kpi/services/scorecards.py
computes and stores scorecards, rates and edits the scheme. The pages, the API and the
quarterly beat job call both.

Scoring (all 0–100):
- volume = min(100, resolved / volume_target × 100); on-time = clocks met / clocks with a verdict
  (response, arrival, resolution together) × 100; satisfaction = satisfied / answered × 100;
  reopen = max(0, 100 − reopen % × reopen_penalty); complaints = max(0, 100 − n ×
  complaint_penalty). A sub-score with nothing measured is left out and the remaining weights
  re-normalised.
- a dimension = the mean of its three sub-items; the rating score = the dimensions weighted; it
  exists only when all twelve sub-items are rated.
- composite = objective_weight % × objective + (100 − objective_weight) % × rating, from the two
  stored (2-decimal) scores, rounded to 2 decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import CLIENT_ROLES
from core.periods import Quarter
from kpi import figures as kpi_figures
from kpi.figures import Scope
from kpi.models import Scorecard, ScorecardScheme
from kpi.models.rollup import MEASURES
from kpi.models.scorecards import RATING_ITEMS
from kpi.permissions import is_manager
from kpi.selectors.dashboard import contract_engineers, dashboard_contracts
from sla.models import Contract, ContractMember

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
OBJECTIVE_PARTS = ("volume", "on_time", "satisfaction", "reopen", "complaints")
DIMENSIONS = tuple(dim for dim, _label, _items in RATING_ITEMS)
ITEM_CODES = tuple(code for _dim, _label, items in RATING_ITEMS for code, _l in items)


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- quarters ------------------------------------------------------------------------------------
def quarter_of(card: Scorecard) -> Quarter:
    return Quarter(card.year, card.quarter)


# --- selectors: who sees what --------------------------------------------------------------------
def scorecard_contracts(user) -> QuerySet[Contract]:
    """Contracts whose scorecards the user manages or reads (none for anyone else)."""
    if not is_manager(user):
        return Contract.objects.none()
    return dashboard_contracts(user)


def scorecard_contract(user, code: str) -> Contract:
    """Contract.DoesNotExist (→ 404) unless the user reads that contract's scorecards."""
    return scorecard_contracts(user).select_related("project_manager").get(code=code)


def scorecards_visible_to(user) -> QuerySet[Scorecard]:
    """Every scorecard of the contracts the user manages, and the user's own."""
    cards = Scorecard.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return cards.none()
    if is_manager(user):
        return cards.filter(Q(contract__in=scorecard_contracts(user)) | Q(engineer=user))
    if user.role in CLIENT_ROLES:
        return cards.none()
    return cards.filter(engineer=user)


def scorecard_get(user, pk: int) -> Scorecard:
    """One visible scorecard; Scorecard.DoesNotExist (→ 404) otherwise."""
    return (scorecards_visible_to(user)
            .select_related("engineer", "contract", "contract__project_manager")
            .prefetch_related("ratings__rated_by").get(pk=pk))


def scored_people(contract: Contract) -> QuerySet[User]:
    """Who gets a scorecard: the contract's on-site and second-line engineers (seed 000 scores
    the 驻地工程师; the desk and the managers are not rated here)."""
    engineers = ContractMember.objects.filter(
        contract=contract, duty__in=[ContractMember.Duty.ENGINEER,
                                     ContractMember.Duty.SECOND_LINE]).values("user_id")
    return contract_engineers(contract).filter(pk__in=engineers)


def engineer_history(card: Scorecard, quarters: int = 4) -> list[Scorecard]:
    """The engineer's scorecards on the same contract for the last `quarters` quarters up to
    this one, oldest first."""
    wanted = quarter_of(card).and_before(quarters)
    cards = {(c.year, c.quarter): c for c in Scorecard.objects.filter(
        engineer_id=card.engineer_id, contract_id=card.contract_id,
        year__in={w.year for w in wanted})}
    return [cards.get((w.year, w.quarter)) or Scorecard(
        engineer_id=card.engineer_id, contract_id=card.contract_id, year=w.year,
        quarter=w.quarter) for w in reversed(wanted)]


# --- objective part ------------------------------------------------------------------------------
def engineer_totals(contract: Contract, engineer_id: int, q: Quarter) -> dict[str, int]:
    return kpi_figures.totals(Scope(contract_ids=(contract.pk,), engineer_ids=(engineer_id,)),
                              q.start, q.end)


def team_totals(contract: Contract, engineer_ids, q: Quarter) -> dict[int, dict[str, int]]:
    """figures.totals for many engineers at once: one grouped query over the rollup (the same
    sums as engineer_totals for each engineer)."""
    scope = Scope(contract_ids=(contract.pk,), engineer_ids=tuple(engineer_ids))
    empty = {"refreshed_at": None, **dict.fromkeys(MEASURES, 0)}
    return {pk: empty.copy() for pk in engineer_ids} | kpi_figures.totals_by(
        scope, q.start, q.end, "engineer_id")


def objective_part(totals: dict[str, int], scheme: ScorecardScheme) -> dict:
    """The figures, the sub-scores (None: nothing measured), the weights actually used and the
    objective score (Decimal or None)."""
    figs = kpi_figures.from_totals(totals)
    met = sum(totals[f"{k}_met"] for k in kpi_figures.CLOCKS)
    verdicts = met + sum(totals[f"{k}_breached"] for k in kpi_figures.CLOCKS)
    figs["on_time_rate"] = kpi_figures.ratio(met, verdicts)
    subs: dict[str, Decimal | None] = {
        "volume": min(HUNDRED, Decimal(totals["resolved"]) * HUNDRED / scheme.volume_target)
        if scheme.volume_target else None,
        "on_time": Decimal(met) * HUNDRED / verdicts if verdicts else None,
        "satisfaction": (Decimal(totals["surveys_satisfied"]) * HUNDRED
                         / totals["surveys_answered"]) if totals["surveys_answered"] else None,
        "reopen": (max(Decimal(0), HUNDRED - Decimal(totals["resolved_reopened"]) * HUNDRED
                       / totals["resolved"] * scheme.reopen_penalty)
                   if totals["resolved"] else None),
        "complaints": max(Decimal(0), HUNDRED - totals["complaints"] * scheme.complaint_penalty),
    }
    weights = {part: getattr(scheme, f"w_{part}") for part in OBJECTIVE_PARTS}
    used = {part: w for part, w in weights.items() if subs[part] is not None}
    total_weight = sum(used.values())
    score = (cents(sum(subs[p] * w for p, w in used.items()) / total_weight)
             if total_weight else None)
    return {
        "figures": figs,
        "sub_scores": {p: None if v is None else float(cents(v)) for p, v in subs.items()},
        "left_out": [p for p in OBJECTIVE_PARTS if subs[p] is None],
        "weights": {p: (float(cents(Decimal(w) * HUNDRED / total_weight)) if total_weight
                        else 0.0) for p, w in used.items()},
        "renormalised": any(subs[p] is None and weights[p] for p in OBJECTIVE_PARTS),
        "score": score,
    }


# --- ratings -------------------------------------------------------------------------------------
def dimension_scores(ratings) -> dict[str, Decimal | None]:
    """Mean of each dimension's sub-items (None until all three are rated)."""
    by_item = {r.item: r.score for r in ratings}
    result = {}
    for dim, _label, items in RATING_ITEMS:
        scores = [by_item.get(code) for code, _l in items]
        result[dim] = (Decimal(sum(scores)) / len(scores)
                       if all(s is not None for s in scores) else None)
    return result


def rating_score(ratings, scheme: ScorecardScheme) -> Decimal | None:
    dims = dimension_scores(ratings)
    if any(v is None for v in dims.values()):
        return None
    weights = {dim: getattr(scheme, f"w_{dim}") for dim in DIMENSIONS}
    total = sum(weights.values())
    if not total:
        return None
    return cents(sum(dims[d] * w for d, w in weights.items()) / total)


def composite_of(objective: Decimal | None, rating: Decimal | None,
                 scheme: ScorecardScheme) -> Decimal | None:
    """Only with every sub-item rated; an objective part with nothing measured is left out."""
    if rating is None:
        return None
    if objective is None:
        return cents(rating)
    ow = Decimal(scheme.objective_weight)
    return cents((ow * objective + (HUNDRED - ow) * rating) / HUNDRED)
