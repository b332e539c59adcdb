"""Engineer scorecards (K2), the writes: computing and storing a quarter's scorecards (created
when missing), telling the PM of a card "not up to standard" (under the pass mark), the
managers' ratings and the contract's scheme. The reads and the scoring rules:
kpi/selectors/scorecards.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.clock import now
from core.periods import Quarter
from kpi.models import Scorecard, ScorecardRating, ScorecardScheme
from kpi.selectors.scorecards import (
    ITEM_CODES,
    composite_of,
    engineer_totals,
    objective_part,
    quarter_of,
    rating_score,
    scored_people,
    team_totals,
)
from notifications.services import email_from_template
from sla.models import Contract
from sla.permissions import may_manage_contract


# --- scheme --------------------------------------------------------------------------------------
def default_scheme() -> ScorecardScheme:
    scheme = ScorecardScheme.objects.filter(contract__isnull=True).order_by("pk").first()
    if scheme is None:
        scheme = ScorecardScheme.objects.create(contract=None)
    return scheme


def scheme_for(contract: Contract) -> ScorecardScheme:
    """The contract's own scheme, or the default one (created with defaults when missing)."""
    scheme = ScorecardScheme.objects.filter(contract=contract).first()
    return scheme or default_scheme()


# --- computing -----------------------------------------------------------------------------------
def _apply(card: Scorecard, totals: dict, scheme: ScorecardScheme, ratings) -> bool:
    """Set the card's scores from totals and ratings; True when anything changed."""
    part = objective_part(totals, scheme)
    q = quarter_of(card)
    stored = {
        **part["figures"], "sub_scores": part["sub_scores"], "left_out": part["left_out"],
        "weights": part["weights"], "renormalised": part["renormalised"],
        "period": [q.start.isoformat(), q.end.isoformat()], "scheme_id": scheme.pk,
        "pass_mark": scheme.pass_mark, "objective_weight": scheme.objective_weight,
    }
    rating = rating_score(ratings, scheme)
    composite = composite_of(part["score"], rating, scheme)
    below = composite is not None and composite < scheme.pass_mark
    new = {"figures": stored, "objective_score": part["score"], "rating_score": rating,
           "composite": composite, "below_standard": below}
    changed = any(_differs(getattr(card, f), v) for f, v in new.items())
    for field, value in new.items():
        setattr(card, field, value)
    return changed


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (None if old is None else Decimal(old)) != (None if new is None else Decimal(new))
    return old != new


def _refresh(card: Scorecard, totals: dict, scheme: ScorecardScheme) -> None:
    """Apply totals and the stored ratings; save only when something changed, and tell the PM
    of a flag not yet notified."""
    if _apply(card, totals, scheme, list(card.ratings.all())) or card.computed_at is None:
        card.computed_at = now()
        card.save()
    if card.below_standard and card.flag_notified_at is None:
        _notify_pm(card, scheme)


def _notify_pm(card: Scorecard, scheme: ScorecardScheme) -> None:
    """Tell the contract's PM once per scorecard (the lock makes two computations agree)."""
    with transaction.atomic():
        locked = Scorecard.objects.select_for_update().get(pk=card.pk)
        if locked.flag_notified_at is not None or not locked.below_standard:
            card.flag_notified_at = locked.flag_notified_at
            return
        contract = Contract.objects.select_related("project_manager").get(pk=card.contract_id)
        pm = contract.project_manager
        if pm is None or not pm.is_active:
            return
        moment = now()
        Scorecard.objects.filter(pk=card.pk).update(flag_notified_at=moment)
        card.flag_notified_at = moment
        engineer = User.objects.get(pk=card.engineer_id)
        email_from_template(
            recipient=pm, event="kpi.scorecard_below_standard",
            template="kpi/email/scorecard_below_standard.txt",
            context={"card": card, "engineer": engineer, "contract": contract,
                     "quarter": str(quarter_of(card)), "pass_mark": scheme.pass_mark,
                     "url": settings.SITE_URL + reverse("kpi:scorecard", args=[card.pk])},
            dedupe_key=f"kpi.scorecard.below_standard.{card.pk}")


def scorecard_compute(card: Scorecard, *, scheme: ScorecardScheme | None = None) -> Scorecard:
    """Recompute one scorecard (objective part from the rollup, ratings as stored); saves only
    when something changed."""
    contract = card.contract
    scheme = scheme or scheme_for(contract)
    _refresh(card, engineer_totals(contract, card.engineer_id, quarter_of(card)), scheme)
    return card


def quarter_open(contract: Contract, q: Quarter) -> list[Scorecard]:
    """Every scorecard of the contract's team for the quarter, created when missing and
    recomputed; a constant number of queries when nothing changed."""
    scheme = scheme_for(contract)
    people = list(scored_people(contract))
    existing = {c.engineer_id: c for c in Scorecard.objects.filter(
        contract=contract, year=q.year, quarter=q.quarter)
        .select_related("engineer").prefetch_related("ratings")}
    cards = []
    for person in people:
        card = existing.pop(person.pk, None)
        if card is None:
            card, _created = Scorecard.objects.get_or_create(
                engineer=person, contract=contract, year=q.year, quarter=q.quarter)
        card.engineer, card.contract = person, contract
        cards.append(card)
    # People who left the team keep their scorecard for the quarter.
    for card in existing.values():
        card.contract = contract
        cards.append(card)
    totals = team_totals(contract, [c.engineer_id for c in cards], q)
    for card in cards:
        _refresh(card, totals[card.engineer_id], scheme)
    cards.sort(key=lambda c: (c.engineer.name, c.engineer_id))
    return cards


def compute_previous_quarter() -> dict:
    """The quarterly job: every contract's team scorecards of the quarter before today's."""
    q = Quarter.current().previous()
    counts = {}
    for contract in Contract.objects.order_by("code"):
        counts[contract.code] = len(quarter_open(contract, q))
    return {"quarter": str(q), "scorecards": counts}


# --- ratings service -----------------------------------------------------------------------------
class ScorecardError(Exception):
    pass


@transaction.atomic
def scorecard_rate(*, actor, card: Scorecard, scores: dict[str, int | None],
                   notes: dict[str, str] | None = None, comment: str | None = None,
                   ) -> Scorecard:
    """Store the rater's scores (0–100; None removes a rating) and recompute the card."""
    if not may_manage_contract(actor, card.contract):
        raise ScorecardError(_("Only the contract's project manager, a delivery manager or an "
                               "administrator may rate."))
    notes = notes or {}
    locked = Scorecard.objects.select_for_update().get(pk=card.pk)
    current = {r.item: r for r in locked.ratings.all()}
    moment = now()
    for item in ITEM_CODES:
        if item not in scores:
            continue
        score, note = scores[item], (notes.get(item) or "").strip()[:200]
        if score is not None and not 0 <= int(score) <= 100:
            raise ScorecardError(_("A score is from 0 to 100."))
        existing = current.get(item)
        if score is None:
            if existing is not None:
                existing.delete()
            continue
        if existing is None:
            ScorecardRating.objects.create(scorecard=locked, item=item, score=score,
                                           note=note, rated_by=actor, rated_at=moment)
        elif existing.score != score or existing.note != note:
            existing.score, existing.note = score, note
            existing.rated_by, existing.rated_at = actor, moment
            existing.save()
    if comment is not None and comment.strip() != locked.manager_comment:
        locked.manager_comment = comment.strip()
        locked.save(update_fields=["manager_comment"])
    locked.contract = card.contract
    return scorecard_compute(locked)


@transaction.atomic
def scheme_save(*, actor, contract: Contract, values: dict) -> ScorecardScheme:
    """Save the contract's own scheme (created from the values when it had none)."""
    if not may_manage_contract(actor, contract):
        raise ScorecardError(_("Only the contract's project manager, a delivery manager or an "
                               "administrator may change the scheme."))
    scheme = ScorecardScheme.objects.select_for_update().filter(contract=contract).first()
    if scheme is None:
        scheme = ScorecardScheme(contract=contract)
    for field, value in values.items():
        setattr(scheme, field, value)
    scheme.full_clean()
    scheme.save()
    return scheme
