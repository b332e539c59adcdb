"""Demo survey and complaint policies: seed 000's monthly satisfaction targets per contract."""

from __future__ import annotations

from sla.models import Contract
from surveys.models import SurveyPolicy

# contract, satisfaction target %, complaints per quarter, major complaints per quarter
POLICIES = [("DEMO-DESKTOP", 96, 5, 2), ("DEMO-SERVER", 90, 5, 2)]


def load_survey_policies() -> None:
    for code, target, limit, major in POLICIES:
        SurveyPolicy.objects.update_or_create(
            contract=Contract.objects.get(code=code),
            defaults={"satisfaction_target": target, "complaint_limit": limit,
                      "major_complaint_limit": major})

