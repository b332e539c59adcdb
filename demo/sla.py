"""Demo service levels from the seeds, and the default escalation ladder (seed 003)."""

from __future__ import annotations

from sla.models import Contract, EscalationRule, Target
from tickets.models import ServiceType

# service type → (response, arrival, resolution) minutes
DESKTOP = {  # seed 000: hardware 10/20/60, software 10/20/120, on 6×12
    "hardware": (10, 20, 60), "network": (10, 20, 60), "meeting": (10, 20, 60),
    "software": (10, 20, 120), "security": (10, 20, 120), "asset": (10, 20, 120),
}
SERVER = (15, 30, 24 * 60)  # seed 003: 15 min response, 30 min on site, 24 h fix or swap; 7×24

R = EscalationRule.Recipient
LADDER = [  # seed 003 升級上報: Manager1 → Manager2 → Manager3 by overrun and priority
    (1, EscalationRule.Trigger.WARNING, 0, 4, R.ASSIGNEE),
    (2, EscalationRule.Trigger.BREACH, 0, 4, R.PROJECT_MANAGER),
    (3, EscalationRule.Trigger.BREACH, 30, 4, R.DELIVERY_MANAGER),
    (4, EscalationRule.Trigger.BREACH, 120, 2, R.GENERAL_MANAGER),
]


def load_service_levels() -> None:
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    server = Contract.objects.get(code="DEMO-SERVER")
    for service_type in ServiceType.objects.all():
        for priority in (1, 2, 3, 4):
            for contract, minutes in ((desktop, DESKTOP.get(service_type.code, (10, 20, 120))),
                                      (server, SERVER)):
                response, arrival, resolution = minutes
                Target.objects.update_or_create(
                    contract=contract, service_type=service_type, priority=priority,
                    defaults={"response_minutes": response, "arrival_minutes": arrival,
                              "resolution_minutes": resolution})
    for level, trigger, offset, max_priority, recipient in LADDER:
        EscalationRule.objects.update_or_create(
            contract=None, level=level,
            defaults={"trigger": trigger, "offset_minutes": offset,
                      "max_priority": max_priority, "recipient": recipient})
