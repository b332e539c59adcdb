"""Celery entry points of problems and changes (k18chg): thin wrappers over the services."""

from celery import shared_task

from knowledge.services.changes import approvals_remind as approvals_remind_run
from knowledge.services.problems import problems_propose as problems_propose_run


@shared_task(name="knowledge.tasks.approvals_remind")
def approvals_remind() -> list[int]:
    return list(approvals_remind_run())


@shared_task(name="knowledge.tasks.problems_propose")
def problems_propose() -> int:
    return problems_propose_run()
