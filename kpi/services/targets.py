"""A contract's targets (K1): the KPI targets and the survey targets, saved together from the
targets page (kpi/views/dashboard.py) once its two forms are valid; both keep their history."""

from __future__ import annotations

from django.db import transaction

from kpi.models import KpiTargets
from surveys.models import SurveyPolicy


@transaction.atomic
def targets_save(*, kpi_targets: KpiTargets, policy: SurveyPolicy) -> None:
    """Store the contract's KPI targets and its survey policy in one transaction (a reader sees
    both old or both new)."""
    kpi_targets.save()
    policy.save()
