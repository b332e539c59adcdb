"""Shared view helpers of the problem, change and notice pages (k18chg)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

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
