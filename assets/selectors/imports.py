"""Background import jobs: each is seen by the person who started it, and nobody else."""

from __future__ import annotations

from assets.models import ImportJob


def import_job_for(user, pk) -> ImportJob:
    """The user's own job (ImportJob.DoesNotExist otherwise); the file bytes are not loaded."""
    return ImportJob.objects.defer("content").get(pk=pk, actor=user)
