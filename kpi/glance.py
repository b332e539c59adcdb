"""This month at a glance: the figures the managers' and client contact's home pages show per
contract, beside the contract targets, with a link to the full dashboard."""

from __future__ import annotations

from kpi import figures
from kpi.dashboard import pct, pct_target
from kpi.models import KpiTargets
from surveys.models import SurveyPolicy


def month_glance(contracts, *, today) -> list[dict]:
    """One row per contract (as given, at most the first 20): response and resolution
    attainment, satisfaction and tickets this month so far. Three queries in all."""
    contracts = list(contracts)[:20]
    start = today.replace(day=1)
    ids = [c.pk for c in contracts]
    results = figures.per_contract(ids, start, today)
    targets = {t.contract_id: t for t in KpiTargets.objects.filter(contract_id__in=ids)}
    policies = {p.contract_id: p for p in SurveyPolicy.objects.filter(contract_id__in=ids)}
    rows = []
    for contract in contracts:
        result = results.get(contract.pk) or figures.from_totals(
            dict.fromkeys(figures.MEASURES, 0))
        target = targets.get(contract.pk) or KpiTargets(contract=contract)
        policy = policies.get(contract.pk) or SurveyPolicy(contract=contract)
        rows.append({
            "contract": contract,
            "opened": result["tickets_opened"],
            "figures": [
                _cell(result["response_attainment"], target.response_attainment),
                _cell(result["resolution_attainment"], target.resolution_attainment),
                _cell(result["satisfaction_rate"], policy.satisfaction_target),
            ],
        })
    return rows


def _cell(value, target_percent) -> dict:
    return {"value": value, "text": pct(value), "target": pct_target(target_percent),
            "met": None if value is None else value >= figures.percent(target_percent)}
