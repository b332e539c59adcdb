"""Shared view helpers of the problem, change and notice pages (k18chg)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.errors import ActionRefused


def act(request, target: tuple, form, service, **kwargs):
    """Run one transition from a POSTed form and go back to the record's page: a refusal or
    bad input is shown as a message, nothing changed."""
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(*target)
    try:
        service(actor=request.user, **kwargs, **(form.cleaned_data if form is not None else {}))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(*target)


# The history reasons the problem, change and notice services store (English keys, so the
# record reads the same whatever the actor's language) and how the pages show them.
REASON_LABELS = {
    "accepted": _("Accepted"), "analysed": _("Analysis recorded"),
    "approved (standard change)": _("Approved (standard change)"), "approved": _("Approved"),
    "cancelled": _("Cancelled"), "confirmed": _("Confirmed fixed by the client"),
    "dismissed": _("Dismissed"), "edited": _("Edited"), "fix implemented": _("Fix implemented"),
    "fix linked": _("Fix linked"),
    "known error published": _("Known error published as an article"),
    "implemented": _("Implementation recorded"),
    "rejected": _("Rejected"), "reviewed": _("Reviewed"), "submitted": _("Submitted for approval"),
}


def history_rows(history) -> list:
    """History rows with ``reason_label``: the reason's label, else the kind of change."""
    rows = list(history)
    for row in rows:
        reason = row.history_change_reason or ""
        row.reason_label = REASON_LABELS.get(reason) or row.get_history_type_display()
    return rows
