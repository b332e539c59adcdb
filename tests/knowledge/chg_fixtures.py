"""Shared fixtures of the problem, change and notice tests (k18chg), imported by each file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from core.clock import now
from knowledge.services.changes import ChangeInput, change_create
from sla.models import Contract


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def server(demo):
    return Contract.objects.get(code="DEMO-SERVER")


@pytest.fixture
def make_change(demo, desktop):
    def _make(actor="engineer", contract=None, **fields):
        start = now() + timedelta(days=4)
        values = {"title": "升级交换机固件", "reason": "修复已知漏洞",
                  "window_start": start, "window_end": start + timedelta(hours=2),
                  "downtime": True, **fields}
        return change_create(actor=demo[actor], contract=contract or desktop,
                             data=ChangeInput(**values))

    return _make
__all__ = ["_english", "desktop", "make_change", "server"]
