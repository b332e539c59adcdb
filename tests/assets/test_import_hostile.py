"""Issue 14.5: hostile spreadsheets are refused with a clear message (never a 500, never a busy
worker), and large imports run in the background with the same all-or-nothing result."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.io import background
from assets.io.importer import assets_import
from assets.models import Asset, ImportJob
from assets.tasks import import_run, import_sweep
from core.clock import now
from sla.models import Contract
from tests.assets.test_io import csv_bytes, row, xlsx

IMPORT = "/assets/import/"


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def run(demo, desktop):
    def _run(data, name="assets.xlsx"):
        return assets_import(actor=demo["pm"], contract=desktop, file_name=name, data=data)
    return _run


def rezip(content: bytes, replace: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item)))
        for name, data in replace.items():
            if name not in source.namelist():
                target.writestr(name, data)
    return buffer.getvalue()


def missing_shared_strings() -> bytes:
    """A data cell points at shared string 999 of a workbook that has none."""
    content = xlsx([row(1)])
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    cell = b'<c r="A2" t="inlineStr"><is><t>IMP-00001</t></is></c>'
    assert cell in sheet
    return rezip(content, {"xl/worksheets/sheet1.xml": sheet.replace(
        cell, b'<c r="A2" t="s"><v>999</v></c>')})


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A ~370 KB workbook whose one sheet expands to 380 MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([row(1)]))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, source.read(item))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(380):  # under the old 400 MB allowance: parsed for 20-30 s before
                sheet.write(chunk)
    return buffer.getvalue()


def post(client, content, name="台账.xlsx", **data):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(IMPORT, {"contract": "DEMO-DESKTOP", "file": upload, **data})


def test_a_missing_shared_string_is_a_clear_refusal_not_a_500(run, login, demo):
    result = run(missing_shared_strings())
    assert [str(e) for e in result.errors] == ["The file is not a valid .xlsx workbook."]
    response = post(login(demo["pm"]), missing_shared_strings())
    assert response.status_code == 200
    assert "不是有效的 .xlsx 工作簿" in response.content.decode()


@pytest.mark.parametrize("damage", [
    {"xl/workbook.xml": b"<workbook"},                      # broken XML
    {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r='A1' t='n'><v>x"},
    {"[Content_Types].xml": b"<!DOCTYPE x [<!ENTITY a 'a'>]><Types/>"},  # defusedxml says no
])
def test_every_parse_error_is_a_clear_refusal(run, damage):
    result = run(rezip(xlsx([row(1)]), damage))
    assert len(result.errors) == 1 and result.errors[0].row is None


def test_a_zip_bomb_is_refused_fast(run, bomb, login, demo):
    assert len(bomb) < 600 * 1024
    started = time.monotonic()
    result = run(bomb)
    assert time.monotonic() - started < 1
    assert len(result.errors) == 1 and "zip bomb" in result.errors[0].message
    started = time.monotonic()
    response = post(login(demo["pm"]), bomb)
    assert time.monotonic() - started < 1
    assert "压缩炸弹" in response.content.decode()


def test_a_highly_compressed_member_is_refused_by_ratio(run, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100
    content = rezip(xlsx([row(1)]), {"xl/media/filler.xml": b"a" * (3 * 1024 * 1024)})
    result = run(content)
    assert "zip bomb" in result.errors[0].message


def test_too_many_members_are_refused(run, settings):
    settings.IMPORT_MAX_ZIP_MEMBERS = 12
    content = rezip(xlsx([row(1)]), {f"xl/extra{n}.xml": b"<x/>" for n in range(12)})
    assert "zip bomb" in run(content).errors[0].message


def test_a_small_import_stays_in_the_request(login, demo, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    response = post(login(demo["pm"]), xlsx([row(n) for n in range(1, 5)]))
    assert response.status_code == 200 and response.context["result"].created == 4
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("make", [xlsx, None])
def test_a_large_import_runs_in_the_background_with_progress(login, demo, settings,
                                                             dead_broker, make):
    settings.IMPORT_BACKGROUND_ROWS = 5
    rows = [row(n) for n in range(1, 13)]
    if make is None:  # csv
        content, name = csv_bytes(rows), "台账.csv"
    else:
        content, name = make(rows), "台账.xlsx"
    client = login(demo["pm"])
    response = post(client, content, name=name)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assets/import/{job.pk}/"
    assert job.rows_total >= 12 and job.state == ImportJob.State.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-progress"' in page and "hx-trigger=\"every 1s\"" in page
    assert not Asset.objects.filter(tag__startswith="IMP-").exists()

    assert background.import_run(job.pk) is True  # what the worker does
    assert background.import_run(job.pk) is False  # once
    assert Asset.objects.filter(tag__startswith="IMP-").count() == 12
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.percent == 100 and job.content == b""
    with CaptureQueriesContext(connection) as queries:
        partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert len(queries) <= 6
    html = partial.content.decode()
    assert 'data-testid="import-result"' in html and "hx-trigger" not in html
    assert partial.context["result"].created == 12


def test_a_background_import_with_an_error_in_the_last_row_writes_nothing(login, demo,
                                                                          settings, dead_broker):
    settings.IMPORT_BACKGROUND_ROWS = 5
    rows = [row(n) for n in range(1, 12)] + [row(12, 采购日期="昨天")]
    client = login(demo["pm"])
    response = post(client, xlsx(rows))
    job = ImportJob.objects.get()
    background.import_run(job.pk)
    assert not Asset.objects.filter(tag__startswith="IMP-").exists()
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'data-testid="error-table"' in html and "昨天" in html
    assert [(e.row, e.column) for e in partial.context["result"].errors] == [(13, "采购日期")]


def test_the_task_runs_the_job_and_the_sweep_picks_up_a_lost_one(demo, desktop, settings,
                                                                 dead_broker):
    settings.IMPORT_BACKGROUND_ROWS = 1
    first = background.import_start(actor=demo["pm"], contract=desktop, file_name="a.xlsx",
                                    data=xlsx([row(1), row(2)]))
    lost = background.import_start(actor=demo["pm"], contract=desktop, file_name="b.xlsx",
                                   data=xlsx([row(3), row(4)]))
    assert import_run.apply(args=(str(first.pk),)).get() is True
    assert background.import_sweep() == 0  # the lost one is not late yet
    ImportJob.objects.filter(pk=lost.pk).update(created_at=now() - timedelta(minutes=5))
    assert import_sweep.apply().get() == 1
    assert Asset.objects.filter(tag__startswith="IMP-").count() == 4


def test_a_job_is_seen_only_by_whoever_started_it(login, demo, desktop, settings, dead_broker):
    settings.IMPORT_BACKGROUND_ROWS = 1
    job = background.import_start(actor=demo["pm"], contract=desktop, file_name="a.xlsx",
                                  data=xlsx([row(1), row(2)]))
    assert login(demo["desk"]).get(f"/assets/import/{job.pk}/").status_code in (403, 404)


def test_a_job_that_crashes_ends_with_a_refusal_not_a_rerun(demo, desktop, settings,
                                                           dead_broker, monkeypatch):
    settings.IMPORT_BACKGROUND_ROWS = 1
    job = background.import_start(actor=demo["pm"], contract=desktop, file_name="a.xlsx",
                                  data=xlsx([row(1), row(2)]))

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(background, "assets_import", broken)
    assert background.import_run(job.pk) is True
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.result["error_count"] == 1
