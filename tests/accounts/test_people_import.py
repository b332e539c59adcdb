"""Importing people (issue 15, point 11): all or nothing, every error by row and column."""

from __future__ import annotations

import io

import openpyxl
import pytest

from accounts.imports import people_import
from accounts.models import Organisation, SecurityEvent, User
from core.errors import PermissionRefused

HEADER = ["姓名", "工号", "电话", "部门", "地点"]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def mingyuan(demo):
    return Organisation.objects.get(code="MINGYUAN")


def _import(demo, mingyuan, content, name="people.xlsx", **kwargs):
    return people_import(actor=demo["pm"], organisation=mingyuan, file_name=name, data=content,
                         **kwargs)


def test_it_imports_new_people(demo, mingyuan):
    result = _import(demo, mingyuan, xlsx([
        ["新人甲", "MY8001", "13988880001", "财务部", "总部大楼 3 层"],
        ["新人乙", "MY8002", "13988880002", "市场部", None]]))
    assert result.ok, result.errors
    assert result.created == 2
    person = User.objects.get(employee_no="MY8001")
    assert person.department.name == "财务部"
    assert person.site.name == "总部大楼 3 层"
    assert person.role == "end_user"


def test_it_changes_nothing_the_second_time(demo, mingyuan):
    content = xlsx([["新人甲", "MY8001", "13988880001", "财务部", None]])
    _import(demo, mingyuan, content)
    again = _import(demo, mingyuan, content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_it_updates_a_person_matched_by_employee_number(demo, mingyuan):
    result = _import(demo, mingyuan, xlsx([["吴芳", "MY0002", "13900000002", "市场部", None]]))
    assert result.updated == 1, result.errors
    assert User.objects.get(username="user").department.name == "市场部"


def test_it_imports_nothing_when_one_row_is_wrong(demo, mingyuan):
    result = _import(demo, mingyuan, xlsx([
        ["新人甲", "MY8001", "13988880001", "财务部", None],
        ["新人乙", "MY8001", "13988880002", "不存在的部门", None],     # row 3
        ["新人丙", "MY8003", "13900000003", "财务部", None],           # 郑浩's phone
        ["新人丁", "MY8004", "13988880001", "财务部", None],           # row 2's phone
    ]))
    assert not result.ok
    assert User.objects.filter(name__startswith="新人").count() == 0
    found = {(e.row, e.column) for e in result.errors}
    assert (3, "工号") in found
    assert (3, "部门") in found
    assert (4, "电话") in found
    assert (5, "电话") in found
    assert any("郑浩" in e.message for e in result.errors if e.row == 4)
    assert any("row 2" in str(e) or "第 2 行" in str(e) for e in result.errors if e.row == 3)


def test_it_reports_unknown_and_missing_columns(demo, mingyuan):
    result = _import(demo, mingyuan, xlsx([["x", "y"]], header=["工号", "颜色"]))
    messages = {(e.row, e.column) for e in result.errors}
    assert (1, "颜色") in messages
    assert (1, "姓名") in messages


def test_it_reads_a_gbk_csv(demo, mingyuan):
    content = "姓名,工号,电话\n新人戊,MY8005,13988880005\n".encode("gbk")
    result = _import(demo, mingyuan, content, name="people.csv")
    assert result.created == 1, result.errors


def test_it_checks_only_on_a_dry_run(demo, mingyuan):
    result = _import(demo, mingyuan, xlsx([["新人甲", "MY8001", "13988880001", None, None]]),
                     dry_run=True)
    assert result.ok and result.created == 1
    assert not User.objects.filter(employee_no="MY8001").exists()


def test_it_refuses_a_role_the_pm_may_not_give(demo, mingyuan):
    result = _import(demo, mingyuan, xlsx([["新人甲", "admin"]], header=["姓名", "角色"]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "角色")]


def test_it_refuses_an_organisation_the_pm_does_not_manage(demo):
    provider = Organisation.objects.get(code="HUAXIN-OPS")
    with pytest.raises(PermissionRefused):
        people_import(actor=demo["pm"], organisation=provider, file_name="p.xlsx",
                      data=xlsx([["某人"]], header=["姓名"]))


def test_it_refuses_a_file_that_is_not_a_workbook(demo, mingyuan):
    result = _import(demo, mingyuan, b"not a zip", name="people.xlsx")
    assert [e.row for e in result.errors] == [None]


def test_the_page_imports_and_records_a_security_event(demo, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.xlsx", xlsx([["新人甲", "MY8001", "13988880001", None,
                                                      None]]))
    page = login(demo["pm"]).post("/people/import/", {"organisation": "MINGYUAN",
                                                      "file": upload})
    assert page.status_code == 200
    assert b'data-testid="import-result"' in page.content
    assert User.objects.filter(employee_no="MY8001").exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT,
                                        target="people people.xlsx").exists()


def test_the_page_is_refused_to_the_desk(demo, login):
    assert login(demo["desk"]).get("/people/import/").status_code == 403
