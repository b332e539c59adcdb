"""The columns of the asset register file, shared by import (assets/io/importer.py) and
export (assets/io/write.py); a module of its own so neither of those imports the other's side."""

from __future__ import annotations

from dataclasses import dataclass

from assets.models import AssetType


@dataclass(frozen=True)
class Column:
    key: str            # the Asset attribute it fills (or the lookup it resolves)
    header: str         # the Chinese header written on export
    aliases: tuple      # English names also accepted on import
    max_length: int | None = None
    required: bool = False
    kind: str = "text"  # text, date, type, status, criticality, site, department, custodian


COLUMNS = [
    Column("tag", "资产标签", ("tag", "asset tag"), 64),
    Column("name", "名称", ("name",), 200, required=True),
    Column("asset_type", "类型", ("type", "asset type"), required=True, kind="type"),
    Column("manufacturer", "厂商", ("manufacturer",), 100),
    Column("model", "型号", ("model",), 100),
    Column("serial", "序列号", ("serial", "serial number", "sn"), 100),
    Column("part_number", "PN", ("part number", "part_number"), 100),
    Column("software", "软件版本", ("software", "software versions"), 5000),
    Column("site", "地点", ("site",), kind="site"),
    Column("location", "位置", ("location",), 200),
    Column("department", "部门", ("department",), kind="department"),
    Column("custodian", "保管人", ("custodian",), kind="custodian"),
    Column("status", "状态", ("status",), kind="status"),
    Column("criticality", "重要性", ("criticality",), kind="criticality"),
    Column("purchase_date", "采购日期", ("purchase date",), kind="date"),
    Column("warranty_end", "保修截止", ("warranty end",), kind="date"),
    Column("warranty_vendor", "保修厂商", ("warranty vendor",), 100),
    Column("notes", "备注", ("notes",), 5000),
]
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
# One column per specification key: "规格:cpu" (also "spec:cpu"); a blank cell removes the key.
SPEC_PREFIX = "规格:"
SPEC_PREFIXES = ("规格:", "spec:", "specs:")
SPEC_MAX_LENGTH = 500


def spec_keys_in_use() -> list[str]:
    """Every specification key of every asset type, in type order: the export's spec columns."""
    keys: list[str] = []
    for asset_type in AssetType.objects.order_by("ordering", "code"):
        keys.extend(k for k in asset_type.spec_keys() if k not in keys)
    return keys
