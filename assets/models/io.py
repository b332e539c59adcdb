"""A register import that runs in the background (too many rows for one web request): its
file, its progress and its result, read by the import page's progress bar."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sla.models import Contract


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    # The upload itself, until the run reads it (workers need not share the web's disk).
    content = models.BinaryField(blank=True)
    dry_run = models.BooleanField(default=False)
    language = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=10, blank=True)  # read, check, write
    rows_total = models.PositiveIntegerField(default=0)  # the estimate the run was queued on
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["state", "created_at"], name="import_job_state")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        # Reading is the first half of the work, checking the second; writing is the last step.
        share = {"read": 0, "check": 50, "write": 95}.get(self.stage, 0)
        span = 5 if self.stage == "write" else 45
        return min(99, share + span * min(self.rows_done, self.rows_total) // self.rows_total)
