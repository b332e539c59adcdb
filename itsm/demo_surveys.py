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


def load_demo_complaints(people) -> None:
    """One answered phone complaint on the desktop contract, so the register is not empty."""
    from surveys.complaints import complaint_answer, complaint_register
    from surveys.models import Complaint

    contract = Contract.objects.get(code="DEMO-DESKTOP")
    description = "打印机多次报修仍反复卡纸，工程师上门不及时。"
    if Complaint.objects.filter(contract=contract, description=description).exists():
        return
    complaint = complaint_register(
        actor=people["desk"], contract=contract, channel=Complaint.Channel.PHONE,
        description=description, complainant=people["user"], complainant_name="吴芳",
        complainant_phone=people["user"].phone)
    complaint_answer(actor=people["desk"], complaint=complaint,
                     answer="已致电吴芳致歉，安排工程师今天下班前上门检修并更换搓纸轮。")
