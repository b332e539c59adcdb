"""manage.py import_assets / export_assets: exit status 0 on success, 1 with the errors."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from assets.models import Asset
from tests.assets.test_io import row, xlsx


@pytest.fixture
def write(tmp_path):
    def _write(data: bytes, name="assets.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return path
    return _write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_it_imports_and_prints_the_counts(demo, write):
    path = write(xlsx([row(1), row(2)]))
    status, out, err = run("import_assets", str(path), "--contract", "DEMO-DESKTOP")
    assert (status, err) == (0, "")
    assert "2" in out and "0" in out
    assert Asset.objects.filter(tag__startswith="IMP-", contract__code="DEMO-DESKTOP").count() == 2
    assert Asset.objects.get(tag="IMP-00001").history.get().history_user is None


def test_it_exits_1_with_one_line_per_error(demo, write):
    path = write(xlsx([row(1), row(2, 地点="火星基地"), row(3), row(4, 类型="飞船")]))
    status, out, err = run("import_assets", str(path), "--contract", "DEMO-DESKTOP")
    assert status == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3  # a summary line, then one line per error
    assert "3" in lines[1] and "地点" in lines[1] and "火星基地" in lines[1]
    assert "5" in lines[2] and "类型" in lines[2]
    assert not Asset.objects.filter(tag__startswith="IMP-").exists()


def test_a_dry_run_imports_nothing(demo, write):
    path = write(xlsx([row(1)]))
    status, out, _err = run("import_assets", str(path), "--contract", "DEMO-DESKTOP",
                            "--dry-run")
    assert status == 0 and "1" in out
    assert not Asset.objects.filter(tag="IMP-00001").exists()


def test_an_unknown_contract_or_file_exits_1(demo, write, tmp_path):
    path = write(xlsx([row(1)]))
    assert run("import_assets", str(path), "--contract", "NOPE")[0] == 1
    assert run("import_assets", str(tmp_path / "missing.xlsx"), "--contract",
               "DEMO-DESKTOP")[0] == 1
    assert run("import_assets", str(write(b"x", "assets.txt")), "--contract",
               "DEMO-DESKTOP")[0] == 1


def test_it_exports_by_extension_and_the_export_imports_back(demo, tmp_path):
    target = tmp_path / "register.xlsx"
    status, out, _err = run("export_assets", str(target), "--contract", "DEMO-DESKTOP")
    assert status == 0 and str(target) in out
    sheet = openpyxl.load_workbook(target).active
    assert sheet.max_row == 1 + Asset.objects.filter(contract__code="DEMO-DESKTOP").count()
    status, out, _err = run("import_assets", str(target), "--contract", "DEMO-DESKTOP")
    assert status == 0
    csv_target = tmp_path / "register.csv"
    assert run("export_assets", str(csv_target), "--contract", "DEMO-SERVER")[0] == 0
    assert csv_target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_refuses_other_extensions_and_unknown_contracts(demo, tmp_path):
    assert run("export_assets", str(tmp_path / "register.pdf"), "--contract",
               "DEMO-DESKTOP")[0] == 1
    assert run("export_assets", str(tmp_path / "register.csv"), "--contract", "NOPE")[0] == 1
    assert not list(tmp_path.iterdir())
