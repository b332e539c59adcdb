"""Importing and exporting the asset register (A3): all or nothing, every error by row and
column, idempotent re-import, formula-safe export that reads back unchanged."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from assets.io.importer import assets_export, assets_import
from assets.models import Asset, AssetType
from sla.models import Contract

HEADER = ["资产标签", "名称", "类型", "序列号", "地点", "部门", "保管人", "状态", "采购日期",
          "规格:cpu"]


def row(n, **overrides):
    values = {"资产标签": f"IMP-{n:05d}", "名称": f"导入台式机 {n}", "类型": "台式机",
              "序列号": f"SN-IMP-{n:05d}", "地点": "总部大楼 3 层", "部门": "财务部",
              "保管人": "user", "状态": "in_use", "采购日期": "2025-03-01", "规格:cpu": "i5"}
    values.update(overrides)
    return [values[h] for h in HEADER]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def server(demo):
    return Contract.objects.get(code="DEMO-SERVER")


@pytest.fixture
def run(demo, desktop):
    def _run(data, name="assets.xlsx", actor="pm", contract=None, dry_run=False):
        return assets_import(actor=demo[actor] if actor else None, contract=contract or desktop,
                             file_name=name, data=data, dry_run=dry_run)
    return _run


def export_bytes(contract, fmt) -> bytes:
    out = io.BytesIO()
    assets_export(contract=contract, fmt=fmt, out=out)
    return out.getvalue()


def test_it_imports_an_xlsx(run, demo, desktop):
    result = run(xlsx([row(1), row(2, 采购日期=datetime(2024, 5, 6), 保管人="", 状态="备用"),
                       row(3, 状态="Spare", 采购日期="2026年1月5日")]))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first = Asset.objects.get(tag="IMP-00001")
    assert first.contract == desktop and first.asset_type.code == "pc"
    assert first.site.name == "总部大楼 3 层" and first.department.name == "财务部"
    assert first.custodian == demo["user"] and first.specs == {"cpu": "i5"}
    assert first.purchase_date == date(2025, 3, 1) and first.criticality == "non_core"
    second = Asset.objects.get(tag="IMP-00002")
    assert second.purchase_date == date(2024, 5, 6) and second.custodian is None
    assert Asset.objects.get(tag="IMP-00003").purchase_date == date(2026, 1, 5)
    assert first.history.get().history_user == demo["pm"]


def test_it_imports_a_gbk_csv(run):
    result = run(csv_bytes([row(1), row(2, 采购日期="2025/4/3")], encoding="gbk"),
                 name="台账.CSV")
    assert result.ok, result.errors
    assert result.created == 2
    assert Asset.objects.get(tag="IMP-00002").purchase_date == date(2025, 4, 3)
    assert Asset.objects.get(tag="IMP-00001").name == "导入台式机 1"


def test_it_imports_a_utf8_bom_csv_with_english_headers(run):
    header = ["Asset Tag", "NAME", "type", "Serial Number", "site", "department", "custodian",
              "status", "purchase_date", "spec:CPU"]
    result = run(csv_bytes([row(1, 类型="Desktop PC")], header=header, encoding="utf-8-sig"),
                 name="assets.csv")
    assert result.ok, result.errors
    assert Asset.objects.get(tag="IMP-00001").specs == {"cpu": "i5"}


def test_a_bad_row_deep_inside_imports_nothing_and_is_named(run):
    rows = [row(n) for n in range(1, 601)]
    rows[498] = row(499, 地点="火星基地")  # spreadsheet row 500: the header is row 1
    before = Asset.objects.count()
    result = run(xlsx(rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(500, "地点")]
    assert "火星基地" in result.errors[0].message
    assert "500" in str(result.errors[0]) and "地点" in str(result.errors[0])
    assert Asset.objects.count() == before


def test_the_report_lists_every_error(run, desktop):
    rows = [
        row(1),
        row(2, 类型="飞船"),
        row(3, 采购日期="明天"),
        row(4, 名称=""),
        row(1, 序列号="SN-OTHER"),           # tag repeated from row 2
        row(6, 资产标签="HT-SV-0001"),        # another contract's tag
        row(7, 保管人="nobody"),
        row(8, 状态="丢了"),
        row(9, 资产标签="X" * 65),
        row(10, 部门="宇宙部"),
    ]
    result = run(xlsx(rows))
    got = [(e.row, e.column) for e in result.errors]
    assert got == [(3, "类型"), (4, "采购日期"), (5, "名称"), (6, "资产标签"), (7, "资产标签"),
                   (8, "保管人"), (9, "状态"), (10, "资产标签"), (11, "部门")]
    assert not Asset.objects.filter(tag__startswith="IMP-").exists()


def test_a_serial_already_on_another_asset_of_the_contract_is_an_error(run):
    # MY-PC-0002 exists; PC0A1B2C is the serial of 吴芳's desktop MY-PC-0001.
    result = run(xlsx([row(1, 资产标签="MY-PC-0002", 序列号="PC0A1B2C")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "序列号")]
    assert "MY-PC-0001" in result.errors[0].message


def test_a_new_tag_on_a_known_serial_relabels_that_asset(run):
    result = run(xlsx([row(1, 序列号="PC0A1B2C")]))
    assert (result.created, result.updated) == (0, 1)
    assert Asset.objects.get(serial="PC0A1B2C").tag == "IMP-00001"


def test_reimport_is_idempotent(run):
    data = xlsx([row(n) for n in range(1, 21)])
    assert run(data).created == 20
    history = Asset.history.count()
    again = run(data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert Asset.objects.filter(tag__startswith="IMP-").count() == 20
    assert Asset.history.count() == history


def test_a_row_matches_by_serial_when_the_tag_is_blank(run):
    run(xlsx([row(1)]))
    result = run(xlsx([row(1, 资产标签="", 名称="改名了")]))
    assert (result.created, result.updated) == (0, 1)
    asset = Asset.objects.get(serial="SN-IMP-00001")
    assert asset.name == "改名了" and asset.tag == ""


def test_reimport_after_editing_a_cell_updates_that_asset_with_history(run, demo, desktop):
    workbook = openpyxl.load_workbook(io.BytesIO(export_bytes(desktop, "xlsx")))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    tags = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    target = tags.index("MY-PC-0002") + 2
    sheet.cell(row=target, column=header.index("位置") + 1, value="5 层 12 号工位")
    sheet.cell(row=target, column=header.index("规格:memory") + 1, value="32 GB")
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = run(buffer.getvalue(), actor="admin")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 1, len(tags) - 1)
    asset = Asset.objects.get(tag="MY-PC-0002")
    assert asset.location == "5 层 12 号工位" and asset.specs["memory"] == "32 GB"
    latest = asset.history.first()
    assert latest.history_type == "~" and latest.history_user == demo["admin"]
    assert latest.history_change_reason == "import"
    assert asset.history.count() == 2


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(run, desktop, fmt):
    count = desktop.assets.count()
    result = run(export_bytes(desktop, fmt), name=f"export.{fmt}")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, count)


FORMULAS = {"notes": '=HYPERLINK("http://evil.example","点我")', "name": "+1", "model": "-2",
            "manufacturer": "@SUM(A1:A9)", "location": "\t5 层"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_cells_are_neutralised_on_export_and_read_back(run, desktop, fmt):
    asset = Asset.objects.get(tag="MY-PC-0001")
    for attribute, value in FORMULAS.items():
        setattr(asset, attribute, value)
    asset.save()
    data = export_bytes(desktop, fmt)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        cells = [c for line in sheet.iter_rows() for c in line]
        assert not [c for c in cells if c.data_type == "f"]
        texts = {c.value for c in cells if isinstance(c.value, str)}
    else:
        texts = {v for line in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for v in line}
    for value in FORMULAS.values():
        assert "'" + value in texts
        assert value not in texts
    result = run(data, name=f"export.{fmt}")
    assert (result.created, result.updated) == (0, 0), result.errors
    asset.refresh_from_db()
    assert {a: getattr(asset, a) for a in FORMULAS} == FORMULAS


def test_an_oversized_file_is_refused(run, settings):
    settings.ASSET_IMPORT_MAX_BYTES = 2048
    result = run(csv_bytes([row(n) for n in range(1, 100)]), name="big.csv")
    assert [e.row for e in result.errors] == [None]
    assert "MB" in result.errors[0].message
    assert not Asset.objects.filter(tag__startswith="IMP-").exists()


@pytest.mark.parametrize("name", ["assets.xls", "assets.txt", "assets", "assets.xlsm"])
def test_other_extensions_are_refused(run, name):
    result = run(xlsx([row(1)]), name=name)
    assert len(result.errors) == 1 and result.errors[0].row is None
    assert not Asset.objects.filter(tag="IMP-00001").exists()


def test_a_zip_bomb_is_refused_before_parsing(run, settings):
    settings.ASSET_IMPORT_MAX_BYTES = 64 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([row(1)]))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/worksheets/sheet9.xml", b" " * (30 * 1024 * 1024))
    assert len(buffer.getvalue()) < settings.ASSET_IMPORT_MAX_BYTES
    result = run(buffer.getvalue())
    assert len(result.errors) == 1 and "size" in result.errors[0].message


def test_a_workbook_with_macros_is_refused(run):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([row(1)]))) as source, \
            zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("xl/vbaProject.bin", b"\x00" * 10)
    result = run(buffer.getvalue())
    assert len(result.errors) == 1 and "macro" in result.errors[0].message


def test_too_many_rows_are_refused(run, settings):
    settings.ASSET_IMPORT_MAX_ROWS = 5
    result = run(xlsx([row(n) for n in range(1, 7)]))
    assert len(result.errors) == 1 and "5" in result.errors[0].message


def test_garbage_named_xlsx_is_refused(run):
    result = run(b"not a zip at all", name="assets.xlsx")
    assert len(result.errors) == 1 and result.errors[0].row is None


def test_unknown_and_missing_columns_are_reported_on_the_header_row(run):
    result = run(xlsx([["A-1", "x"]], header=["资产标签", "颜色"]))
    assert {(e.row, e.column) for e in result.errors} == {(1, "颜色"), (1, "名称"), (1, "类型")}


def test_a_dry_run_counts_and_imports_nothing(run):
    result = run(xlsx([row(1), row(2)]), dry_run=True)
    assert result.ok and result.dry_run and result.created == 2
    assert not Asset.objects.filter(tag__startswith="IMP-").exists()


def test_only_importers_of_the_contract_may_import(run):
    for actor in ("engineer", "client", "desk", "user"):
        with pytest.raises(PermissionDenied):
            run(xlsx([row(1)]), actor=actor)
    assert run(xlsx([row(1)]), actor=None).created == 1  # the system (management command)


def test_a_blank_status_keeps_the_current_one(run):
    run(xlsx([row(1, 状态="retired")]))
    asset = Asset.objects.get(tag="IMP-00001")
    assert asset.status == "retired" and asset.retired_at is not None
    result = run(xlsx([row(1, 状态="")]))
    assert result.unchanged == 1
    result = run(xlsx([row(1, 状态="在用")]))
    asset.refresh_from_db()
    assert result.updated == 1 and asset.status == "in_use" and asset.retired_at is None


def test_spec_columns_only_cover_known_keys(run):
    AssetType.objects.filter(code="pc").update(spec_fields=[{"key": "cpu", "name": "处理器"}])
    result = run(xlsx([row(1)], header=HEADER[:-1] + ["规格:colour_depth"]))
    assert [(e.row, e.column) for e in result.errors] == [(1, "规格:colour_depth")]


# --- pages ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("user", 403), ("engineer", 403), ("desk", 403), ("client", 403), ("delivery", 403),
    ("pm", 200), ("admin", 200)])
def test_the_import_page_is_for_importers(login, demo, role, status):
    assert login(demo[role]).get("/assets/import/").status_code == status
    assert login(demo[role]).get("/assets/import/template.xlsx").status_code == status


def test_the_import_page_needs_a_login(client):
    assert client.get("/assets/import/").status_code == 302


def test_the_page_imports_a_file(login, demo):
    upload = io.BytesIO(xlsx([row(1), row(2)]))
    upload.name = "台账.xlsx"
    response = login(demo["pm"]).post("/assets/import/", {
        "contract": "DEMO-DESKTOP", "file": upload})
    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert Asset.objects.filter(tag__startswith="IMP-").count() == 2


def test_the_page_shows_every_error_and_imports_nothing(login, demo):
    upload = io.BytesIO(xlsx([row(1), row(2, 地点="火星基地"), row(3, 采购日期="昨天")]))
    upload.name = "台账.xlsx"
    response = login(demo["pm"]).post("/assets/import/", {
        "contract": "DEMO-DESKTOP", "file": upload})
    html = response.content.decode()
    assert 'data-testid="error-table"' in html and "火星基地" in html and "昨天" in html
    assert [(e.row, e.column) for e in response.context["result"].errors] == [
        (3, "地点"), (4, "采购日期")]
    assert not Asset.objects.filter(tag__startswith="IMP-").exists()


def test_the_page_refuses_a_contract_the_person_cannot_see(login, demo, server):
    server.project_manager = demo["admin"]
    server.save()
    upload = io.BytesIO(xlsx([row(1)]))
    upload.name = "a.xlsx"
    response = login(demo["pm"]).post("/assets/import/", {"contract": "DEMO-SERVER",
                                                           "file": upload})
    assert response.status_code == 200 and response.context["form"].errors["contract"]
    assert not Asset.objects.filter(tag="IMP-00001").exists()


@pytest.mark.parametrize("role", ["admin", "desk", "engineer", "pm", "delivery", "gm", "client"])
def test_who_sees_the_register_may_export_it(login, demo, role):
    response = login(demo[role]).get("/assets/export/?contract=DEMO-DESKTOP&format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.startswith("资产标签,名称,类型") and "MY-PC-0001" in text
    assert "HT-SV-0001" not in text


@pytest.mark.parametrize(("role", "status"), [("user", 403), ("client", 404), ("engineer", 404)])
def test_others_may_not_export_the_server_register(login, demo, role, status):
    response = login(demo[role]).get("/assets/export/?contract=DEMO-SERVER&format=xlsx")
    assert response.status_code == status


def test_the_xlsx_export_streams_a_workbook_with_filters(login, demo):
    response = login(demo["pm"]).get(
        "/assets/export/?contract=DEMO-DESKTOP&format=xlsx&type=printer")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    tags = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert tags == ["MY-PR-0301", "MY-PR-0501"]


def test_an_unknown_export_format_is_a_bad_request(login, demo):
    response = login(demo["pm"]).get("/assets/export/?contract=DEMO-DESKTOP&format=pdf")
    assert response.status_code == 400


def test_the_export_form_lists_visible_contracts(login, demo):
    response = login(demo["client"]).get("/assets/export/")
    assert response.status_code == 200
    assert list(response.context["form"].fields["contract"].queryset.values_list(
        "code", flat=True)) == ["DEMO-DESKTOP"]


def test_export_queries_do_not_grow_with_the_register(login, demo, desktop,
                                                      django_assert_max_num_queries):
    from bench.assets_data import generate_assets

    client = login(demo["pm"])
    generate_assets(300, desktop)
    with django_assert_max_num_queries(12):
        response = client.get("/assets/export/?contract=DEMO-DESKTOP&format=csv")
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    # Retired assets are left out, as the register list leaves them out without a status filter.
    assert len(lines) == 1 + desktop.assets.exclude(status="retired").count()


def test_the_template_has_the_header_and_an_example(login, demo):
    response = login(demo["pm"]).get("/assets/import/template.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("资产标签", "名称", "类型") and len(rows) == 2


def _export_tags(client, query: str) -> list[str]:
    response = client.get(f"/assets/export/?{query}&format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [line[0] for line in list(csv.reader(io.StringIO(text)))[1:]]


@pytest.mark.parametrize("query", [
    "contract=DEMO-DESKTOP",
    "contract=DEMO-DESKTOP&type=printer",
    "contract=DEMO-DESKTOP&q=PR-03",
    "contract=DEMO-DESKTOP&status=retired",
    "contract=DEMO-DESKTOP&criticality=high",
    "contract=DEMO-DESKTOP&warranty=expired",
    "contract=DEMO-DESKTOP&q=MY-PC-0001",
])
def test_the_export_holds_exactly_the_rows_the_list_shows(login, demo, desktop, query):
    # One FilterSet (assets.filters.AssetFilterSet) for the list and its export.
    Asset.objects.filter(tag="MY-PR-0301").update(status="retired")
    client = login(demo["pm"])
    page = client.get(f"/assets/?{query}").context["page"]
    assert not page.has_next  # the demo's desktop register fits on one page
    shown = sorted(a.tag for a in page.object_list)
    assert _export_tags(client, query) == shown
    retired = "MY-PR-0301" in shown
    assert retired == ("status=retired" in query)
