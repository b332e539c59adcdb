"""Demo survey and complaint policies: seed 000's monthly satisfaction targets per contract."""

from __future__ import annotations

from kpi.models import KpiTargets
from sla.models import Contract
from surveys.models import SurveyPolicy

# The server contract's own KPI targets (seed 003/004): a 7×24 server desk resolves little at
# the first line and has longer repairs; the desktop contract keeps the defaults (96 % etc.).
SERVER_TARGETS = {"response_attainment": 98, "arrival_attainment": 95,
                  "resolution_attainment": 95, "fault_resolution_rate": 95,
                  "first_line_min": 10, "first_line_max": 40, "mttr_max_minutes": 600,
                  "server_failure_rate_max": 1, "mtbf_min_hours": 5000}

# contract, satisfaction target %, complaints per quarter, major complaints per quarter
POLICIES = [("DEMO-DESKTOP", 96, 5, 2), ("DEMO-SERVER", 90, 5, 2)]


def load_survey_policies() -> None:
    for code, target, limit, major in POLICIES:
        SurveyPolicy.objects.update_or_create(
            contract=Contract.objects.get(code=code),
            defaults={"satisfaction_target": target, "complaint_limit": limit,
                      "major_complaint_limit": major})
    KpiTargets.objects.update_or_create(contract=Contract.objects.get(code="DEMO-SERVER"),
                                        defaults=SERVER_TARGETS)
