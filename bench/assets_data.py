"""Bulk asset data for benchmarks and volume tests: `generate_assets(n, contract)`.

Rows are plausible (every asset type, the client's sites, departments and people, specs,
dates), deterministic for a seed, and written with bulk_create in batches: no history rows
(simple_history is bypassed on purpose; the data is fixture volume, not changes anybody made).
Needs Django set up; safe to call repeatedly (tags continue after the last generated one).
"""

from __future__ import annotations

import random
from datetime import timedelta

PREFIX = "GEN"
MAKERS = {
    "pc": [("联想", "启天 M430"), ("戴尔", "OptiPlex 7090"), ("惠普", "ProDesk 400 G7")],
    "laptop": [("联想", "ThinkPad T14"), ("华为", "MateBook 14"), ("戴尔", "Latitude 5420")],
    "printer": [("惠普", "LaserJet Pro M404dn"), ("佳能", "iR-ADV C3530"), ("兄弟", "HL-5595DN")],
    "server": [("浪潮", "NF5280M6"), ("华为", "2288H V5"), ("新华三", "R4900 G5")],
    "network": [("华为", "S5735-L48T4X"), ("新华三", "S5130S-52S"), ("锐捷", "RG-S5750")],
}
SPEC_VALUES = {
    "cpu": ["i5-10500", "i7-12700", "2× Xeon Gold 6330", "Ryzen 5 5600G"],
    "memory": ["8 GB", "16 GB", "32 GB", "256 GB"], "disk": ["256 GB SSD", "512 GB SSD", "1 TB"],
    "os": ["Windows 10", "Windows 11", "CentOS 7.9", "统信 UOS 20"],
    "raid": ["RAID 1", "RAID 5", "RAID 10"], "ports": ["24", "48"],
    "firmware": ["V200R021", "V300R020"], "duplex": ["是", "否"], "colour": ["是", "否"],
    "capacity": ["50 TB", "200 TB"], "seats": ["50", "500"], "version": ["2.0.3", "5.1"],
}
STATUSES = ["in_use"] * 16 + ["spare", "spare", "in_repair", "retired"]
CRITICALITIES = ["non_core"] * 7 + ["core", "key_user", "key_user"]


def generate_assets(n: int, contract, *, seed: int = 0, batch: int = 5000) -> int:
    """Create n assets on the contract; returns how many were created."""
    from accounts.models import Department, Site, User
    from assets.models import Asset, AssetType
    from core.clock import now

    rng = random.Random(seed)
    types = list(AssetType.objects.all())
    sites = list(Site.objects.filter(organisation_id=contract.client_id))
    departments = list(Department.objects.filter(organisation_id=contract.client_id))
    people = list(User.objects.filter(organisation_id=contract.client_id).values_list(
        "pk", flat=True)[:5000])
    prefix = f"{PREFIX}{contract.pk}-"
    start = Asset.objects.filter(tag__startswith=prefix).count()
    moment, today = now(), now().date()
    created, pending = 0, []
    for index in range(start + 1, start + n + 1):
        asset_type = rng.choice(types)
        maker, model = rng.choice(MAKERS.get(asset_type.code, [("华为", "通用型号")]))
        status = rng.choice(STATUSES)
        pending.append(Asset(
            contract=contract, tag=f"{prefix}{index:07d}", asset_type=asset_type,
            name=f"{asset_type.name} {index}", manufacturer=maker, model=model,
            serial=f"S{contract.pk}{index:09d}", part_number=f"PN-{rng.randrange(10**6):06d}",
            specs={k: rng.choice(SPEC_VALUES.get(k, ["—"])) for k in asset_type.spec_keys()},
            site_id=rng.choice(sites).pk if sites else None,
            location=f"{rng.randrange(1, 30)} 层 {rng.randrange(1, 80)} 号",
            department_id=rng.choice(departments).pk if departments else None,
            custodian_id=rng.choice(people) if people and rng.random() < 0.6 else None,
            status=status, criticality=rng.choice(CRITICALITIES),
            purchase_date=today - timedelta(days=rng.randrange(30, 2500)),
            warranty_end=today + timedelta(days=rng.randrange(-700, 1100)),
            warranty_vendor=maker, notes="" if rng.random() < 0.8 else "批量生成的测试资产",
            retired_at=moment if status == "retired" else None,
            created_at=moment, updated_at=moment))
        if len(pending) >= batch:
            Asset.objects.bulk_create(pending)
            created, pending = created + len(pending), []
    if pending:
        Asset.objects.bulk_create(pending)
        created += len(pending)
    return created
