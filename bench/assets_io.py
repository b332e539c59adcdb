#!/usr/bin/env python
"""Asset register import and export at volume (A3), against PostgreSQL.

    .venv/bin/python bench/assets_io.py            # --import-rows 10000 --export-rows 200000

Creates the database itsm_bench_assets if missing (DATABASE_URL overrides), migrates it,
loads the demo, then:
- import: a generated 10,000-row .xlsx into a fresh contract BENCH-IMPORT (all created), the
  same file again (all unchanged), and the file with one cell of every row edited (all updated);
  target under 30 s each;
- export: BENCH-EXPORT holds 200,000 generated assets (bench/assets_data.py, made once); each
  export (xlsx, csv; 20,000 and 200,000 rows) runs in a forked child that reports its time and
  how much its peak resident memory grew: flat growth from 20,000 to 200,000 rows is streaming.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_env, ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/itsm_bench_assets"


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(os.environ["DATABASE_URL"])
    os.environ.update(bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)
    sys.path.insert(0, str(root))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def bench_contract(code: str):
    """A contract of the demo desktop client (its sites, departments and people)."""
    from sla.models import Contract

    template = Contract.objects.get(code="DEMO-DESKTOP")
    contract, _ = Contract.objects.get_or_create(code=code, defaults={
        "name": f"{code} 基准测试", "client": template.client, "provider": template.provider,
        "starts_on": template.starts_on, "ends_on": template.ends_on,
        "calendar": template.calendar, "project_manager": template.project_manager})
    return contract


def import_file(rows: int, edit: bool = False) -> bytes:
    """A workbook of `rows` assets in the export's columns (Chinese headers), with a shared
    string table like the files Excel and WPS save."""
    from openpyxl import Workbook

    from assets.io.write import headers

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers(["cpu", "memory"]))
    sites = ["总部大楼 3 层", "总部大楼 5 层"]
    departments = ["财务部", "市场部", "信息部", "行政部"]
    for n in range(1, rows + 1):
        sheet.append([
            f"BI-{n:06d}", f"基准台式机 {n}", "台式机", "联想", "启天 M430", f"BISN{n:08d}",
            f"PN{n:06d}", "Office 2019", sites[n % 2], f"{n % 40 + 1} 号工位",
            departments[n % 4], "user" if n % 10 == 0 else None, "在用", "非核心",
            "2024-03-01", "2027-03-01", "联想", "已编辑" if edit else None,
            "i5-10500", "16 GB"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_imports(rows: int) -> list[tuple[str, float, str]]:
    from assets.io.importer import assets_import
    from assets.models import Asset

    contract = bench_contract("BENCH-IMPORT")
    Asset.history.filter(contract_id=contract.pk).delete()
    Asset.objects.filter(contract=contract).delete()
    plain, edited = import_file(rows), import_file(rows, edit=True)
    results = []
    for label, data in (("new file", plain), ("same file again", plain),
                        ("every row edited", edited)):
        started = time.perf_counter()
        result = assets_import(actor=None, contract=contract, file_name="bench.xlsx", data=data)
        elapsed = time.perf_counter() - started
        assert result.ok, result.errors[:5]
        results.append((f"import {rows:,} rows: {label}", elapsed,
                        f"{result.created} created, {result.updated} updated, "
                        f"{result.unchanged} unchanged"))
    return results


def _export_child(fmt: str, limit: int | None, queue) -> None:
    from django.db import connections

    from assets.io.importer import assets_export
    from assets.models import Asset
    from sla.models import Contract

    connections.close_all()
    contract = Contract.objects.get(code="BENCH-EXPORT")
    assets = None
    if limit:
        prefix = f"GEN{contract.pk}-"
        assets = Asset.objects.filter(tag__lte=f"{prefix}{limit:07d}")
    # A forked child inherits the parent's peak RSS: reset the high-water mark (Linux), so the
    # peak read afterwards is this export's.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        assets_export(contract=contract, fmt=fmt, out=out, assets=assets)
        elapsed = time.perf_counter() - started
        size = out.tell()
    peak = _status_kb("VmHWM")
    queue.put((elapsed, (peak - before) / 1024, before / 1024, size / 1024 / 1024))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def run_exports(rows: int) -> list[tuple[str, float, str]]:
    from django.db import connections

    from assets.models import Asset
    from bench.assets_data import generate_assets

    contract = bench_contract("BENCH-EXPORT")
    have = Asset.objects.filter(contract=contract).count()
    if have < rows:
        started = time.perf_counter()
        generate_assets(rows - have, contract)
        print(f"generated {rows - have:,} assets in {time.perf_counter() - started:.1f} s")
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = []
    for limit in (rows // 10, None):
        for fmt in ("xlsx", "csv"):
            queue = context.Queue()
            child = context.Process(target=_export_child, args=(fmt, limit, queue))
            child.start()
            elapsed, grew, base, size = queue.get()
            child.join()
            count = limit or rows
            results.append((f"export {count:,} rows to {fmt}", elapsed,
                            f"peak RSS +{grew:.0f} MB (from {base:.0f} MB), file {size:.1f} MB"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=200_000)
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    # Exports first: the children fork from a parent that has not yet grown with the imports.
    results = run_exports(args.export_rows)
    results += [] if args.skip_import else run_imports(args.import_rows)
    width = max(len(r[0]) for r in results)
    print(f"\n| {'case'.ljust(width)} | seconds | result |")
    print(f"|{'-' * (width + 2)}|---------|--------|")
    for label, seconds, note in results:
        print(f"| {label.ljust(width)} | {seconds:7.1f} | {note} |")


if __name__ == "__main__":
    main()
