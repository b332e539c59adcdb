"""Demo asset register, inspection plans and spare-part store for the two demo contracts.

Idempotent like the rest of the demo: records are found by natural key (asset tag, part code…).
"""

from __future__ import annotations

from datetime import date, timedelta

from accounts.models import Department, Site, User
from assets.models import (
    Asset,
    AssetRelation,
    AssetType,
    ChecklistItem,
    ChecklistTemplate,
    InspectionPlan,
    Part,
    StockLocation,
    StockMovement,
)
from core.clock import now
from sla.models import Contract

# code, Chinese, English, spec fields [(key, Chinese, English)]
ASSET_TYPES = [
    ("pc", "台式机", "Desktop PC", [("cpu", "处理器", "CPU"), ("memory", "内存", "Memory"),
                                  ("disk", "硬盘", "Disk"), ("os", "操作系统", "Operating system"),
                                  ("ip", "IP 地址", "IP address")]),
    ("laptop", "笔记本电脑", "Laptop", [("cpu", "处理器", "CPU"), ("memory", "内存", "Memory"),
                                    ("disk", "硬盘", "Disk"), ("os", "操作系统", "Operating system")]),
    ("printer", "打印机", "Printer", [("ip", "IP 地址", "IP address"),
                                   ("duplex", "双面打印", "Duplex"), ("colour", "彩色", "Colour")]),
    ("scanner", "扫描仪", "Scanner", []),
    ("server", "服务器", "Server", [("cpu", "处理器", "CPU"), ("memory", "内存", "Memory"),
                                 ("disk", "磁盘", "Disks"), ("raid", "RAID", "RAID"),
                                 ("os", "操作系统", "Operating system"),
                                 ("ip", "管理 IP", "Management IP")]),
    ("network", "网络设备", "Network device", [("ports", "端口数", "Ports"),
                                           ("ip", "管理 IP", "Management IP"),
                                           ("firmware", "固件版本", "Firmware")]),
    ("storage", "存储设备", "Storage", [("capacity", "容量", "Capacity"),
                                    ("raid", "RAID", "RAID"), ("firmware", "固件版本", "Firmware")]),
    ("av", "音视频设备", "Audio-visual", []),
    ("licence", "软件许可", "Software licence", [("seats", "授权数", "Seats"),
                                            ("expires", "到期日", "Expires")]),
    ("application", "业务应用", "Business application", [("version", "版本", "Version")]),
]

# tag, contract, name, type, manufacturer, model, serial, site, department, custodian,
# criticality, status, purchased (days ago), warranty end (days from today), specs
ASSETS = [
    ("MY-PR-0301", "DEMO-DESKTOP", "财务部激光打印机", "printer", "惠普", "LaserJet Pro M404dn",
     "VNB3K12345", "总部大楼 3 层", "财务部", None, "non_core", "in_use", 900, 20,
     {"ip": "10.1.3.21", "duplex": "是", "colour": "否"}),
    ("MY-PR-0501", "DEMO-DESKTOP", "市场部彩色打印机", "printer", "佳能", "iR-ADV C3530",
     "CN2XH00871", "总部大楼 5 层", "市场部", None, "non_core", "in_use", 500, 400,
     {"ip": "10.1.5.21", "duplex": "是", "colour": "是"}),
    ("MY-PC-0001", "DEMO-DESKTOP", "吴芳的台式机", "pc", "联想", "启天 M430", "PC0A1B2C",
     "总部大楼 3 层", "财务部", "user", "key_user", "in_use", 700, 400,
     {"cpu": "i5-10500", "memory": "16 GB", "disk": "512 GB SSD", "os": "Windows 10",
      "ip": "10.1.3.101"}),
    ("MY-PC-0002", "DEMO-DESKTOP", "郑浩的台式机", "pc", "联想", "启天 M430", "PC0A1B2D",
     "总部大楼 5 层", "市场部", "user2", "non_core", "in_use", 700, 25,
     {"cpu": "i5-10500", "memory": "8 GB", "disk": "256 GB SSD", "os": "Windows 10",
      "ip": "10.1.5.102"}),
    ("MY-NB-0001", "DEMO-DESKTOP", "周静的笔记本", "laptop", "联想", "ThinkPad T14", "PF3XYZ01",
     "总部大楼 5 层", "信息部", "client", "key_user", "in_use", 300, 800,
     {"cpu": "i7-1260P", "memory": "16 GB", "disk": "1 TB SSD", "os": "Windows 11"}),
    ("MY-NB-9001", "DEMO-DESKTOP", "备用笔记本 1 号", "laptop", "联想", "ThinkPad E14",
     "PF3SPARE1", "总部大楼 5 层", "信息部", None, "non_core", "spare", 400, 300,
     {"cpu": "i5-1135G7", "memory": "8 GB", "disk": "256 GB SSD", "os": "Windows 10"}),
    ("MY-SC-0301", "DEMO-DESKTOP", "财务部扫描仪", "scanner", "富士通", "fi-7160", "FJ7160A01",
     "总部大楼 3 层", "财务部", None, "non_core", "in_use", 1200, -200, {}),
    ("MY-AV-0501", "DEMO-DESKTOP", "五楼会议室投影仪", "av", "爱普生", "CB-2255U", "EPX0099",
     "总部大楼 5 层", "行政部", None, "non_core", "in_use", 600, 100, {}),
    ("MY-NW-0001", "DEMO-DESKTOP", "三层接入交换机", "network", "华为", "S5735-L48T4X",
     "HW2102351", "总部大楼 3 层", "信息部", None, "core", "in_use", 800, 500,
     {"ports": "48", "ip": "10.1.3.2", "firmware": "V200R021"}),
    ("HT-SV-0001", "DEMO-SERVER", "交易数据库服务器 DB01", "server", "浪潮", "NF5280M6",
     "INS220A001", "主数据中心机房", "信息技术部", None, "core", "in_use", 1000, 200,
     {"cpu": "2× Xeon Gold 6330", "memory": "512 GB", "disk": "8× 1.92 TB SSD", "raid": "RAID 10",
      "os": "CentOS 7.9", "ip": "10.8.0.11"}),
    ("HT-SV-0002", "DEMO-SERVER", "交易数据库服务器 DB02", "server", "浪潮", "NF5280M6",
     "INS220A002", "主数据中心机房", "信息技术部", None, "core", "in_use", 1000, 200,
     {"cpu": "2× Xeon Gold 6330", "memory": "512 GB", "disk": "8× 1.92 TB SSD", "raid": "RAID 10",
      "os": "CentOS 7.9", "ip": "10.8.0.12"}),
    ("HT-SV-0101", "DEMO-SERVER", "灾备备份服务器", "server", "华为", "2288H V5", "HW2288B01",
     "同城灾备机房", "信息技术部", None, "non_core", "in_use", 1500, 28,
     {"cpu": "2× Xeon Silver 4214", "memory": "128 GB", "disk": "12× 8 TB HDD", "raid": "RAID 6",
      "os": "Windows Server 2019", "ip": "10.9.0.21"}),
    ("HT-ST-0001", "DEMO-SERVER", "核心存储阵列", "storage", "华为", "OceanStor 5310",
     "HWOS5310A", "主数据中心机房", "信息技术部", None, "core", "in_use", 900, 600,
     {"capacity": "200 TB", "raid": "RAID 2.0+", "firmware": "V600R005"}),
    ("HT-NW-0001", "DEMO-SERVER", "核心交换机", "network", "华为", "CE6881-48S6CQ", "HWCE68810",
     "主数据中心机房", "信息技术部", None, "core", "in_use", 900, 600,
     {"ports": "48", "ip": "10.8.0.1", "firmware": "V300R020"}),
    ("HT-AP-0001", "DEMO-SERVER", "证券交易系统", "application", "恒生", "UF 2.0", "",
     "主数据中心机房", "运营部", None, "core", "in_use", 1000, None, {"version": "2.0.3"}),
]

RELATIONS = [
    ("HT-AP-0001", "runs_on", "HT-SV-0001"), ("HT-AP-0001", "runs_on", "HT-SV-0002"),
    ("HT-SV-0001", "connected_to", "HT-NW-0001"), ("HT-SV-0002", "connected_to", "HT-NW-0001"),
    ("HT-SV-0001", "connected_to", "HT-ST-0001"), ("HT-SV-0002", "connected_to", "HT-ST-0001"),
    ("MY-PC-0001", "connected_to", "MY-NW-0001"),
]

# name, asset type, [(item Chinese, item English)]
CHECKLISTS = [
    ("服务器日常巡检", "server", [
        ("指示灯与告警状态", "Front panel lights and alarms"),
        ("CPU、内存使用率", "CPU and memory usage"), ("磁盘与 RAID 状态", "Disk and RAID state"),
        ("系统日志错误", "Errors in the system log"), ("备份作业结果", "Backup job results")]),
    ("网络设备巡检", "network", [
        ("端口与链路状态", "Port and link state"), ("CPU 与温度", "CPU and temperature"),
        ("配置已备份", "Configuration backed up")]),
    ("存储设备巡检", "storage", [
        ("控制器与电源状态", "Controllers and power supplies"),
        ("容量使用率", "Capacity used"), ("硬盘健康", "Disk health")]),
    ("桌面终端季度巡检", "pc", [
        ("杀毒软件已更新", "Antivirus up to date"), ("系统补丁", "Operating system patches"),
        ("硬盘健康与空间", "Disk health and free space"), ("外设正常", "Peripherals work")]),
    ("打印机巡检", "printer", [
        ("打印测试页", "Print a test page"), ("耗材余量", "Consumables left"),
        ("进纸通道清洁", "Paper path clean")]),
]

# contract, name, frequency, checklist, engineer, asset type, criticality, pre-holiday
PLANS = [
    ("DEMO-SERVER", "核心服务器每日巡检", "daily", "服务器日常巡检", "helei", "server", "core", True),
    ("DEMO-SERVER", "非核心服务器每周巡检", "weekly", "服务器日常巡检", "helei", "server",
     "non_core", True),
    ("DEMO-SERVER", "核心网络与存储每周巡检", "weekly", "网络设备巡检", "engineer2", "network", "",
     True),
    ("DEMO-DESKTOP", "桌面终端季度巡检", "quarterly", "桌面终端季度巡检", "engineer", "pc", "",
     False),
    ("DEMO-DESKTOP", "打印机月度巡检", "monthly", "打印机巡检", "engineer", "printer", "", True),
]

# contract, location, [(code, name, compatible models, min level, holds data, stock)]
STORE = [
    ("DEMO-DESKTOP", "总部备件库", [
        ("TONER-CF276A", "惠普 76A 硒鼓", "LaserJet Pro M404dn\nLaserJet Pro M428", 3, False, 2),
        ("SSD-512", "512 GB SATA 固态硬盘", "启天 M430\nThinkPad E14", 2, True, 5),
        ("MEM-8G-DDR4", "8 GB DDR4 内存条", "启天 M430", 2, False, 6),
        ("KB-USB", "USB 键盘", "", 5, False, 12),
    ]),
    ("DEMO-SERVER", "主数据中心备件柜", [
        ("HDD-1.92T-SSD", "1.92 TB SAS 固态硬盘", "NF5280M6", 2, True, 3),
        ("PSU-1300W", "1300 W 服务器电源", "NF5280M6", 1, False, 2),
        ("SFP-10G", "10G 多模光模块", "CE6881-48S6CQ\nS5735-L48T4X", 4, False, 10),
    ]),
]


def load_assets(people: dict[str, User]) -> None:
    types = {}
    for order, (code, name, name_en, fields) in enumerate(ASSET_TYPES):
        types[code], _ = AssetType.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "ordering": order * 10,
            "spec_fields": [{"key": k, "name": n, "name_en": e} for k, n, e in fields]})
    contracts = {c.code: c for c in Contract.objects.filter(code__in=["DEMO-DESKTOP",
                                                                      "DEMO-SERVER"])}
    today, moment = now().date(), now()
    assets = {}
    for (tag, code, name, type_code, maker, model, serial, site, dept, custodian, criticality,
         status, purchased, warranty, specs) in ASSETS:
        contract = contracts[code]
        client = contract.client
        existing = Asset.objects.filter(tag=tag).first()
        if existing:
            assets[tag] = existing
            continue
        assets[tag] = Asset.objects.create(
            tag=tag, contract=contract, name=name, asset_type=types[type_code],
            manufacturer=maker, model=model, serial=serial,
            site=Site.objects.get(organisation=client, name=site),
            department=Department.objects.get(organisation=client, name=dept),
            custodian=people[custodian] if custodian else None, criticality=criticality,
            status=status, purchase_date=today - timedelta(days=purchased),
            warranty_end=today + timedelta(days=warranty) if warranty is not None else None,
            warranty_vendor=maker if warranty is not None else "", specs=specs,
            created_at=moment, updated_at=moment)
    for source, kind, target in RELATIONS:
        AssetRelation.objects.get_or_create(source=assets[source], kind=kind,
                                            target=assets[target])
    templates = {}
    for name, type_code, items in CHECKLISTS:
        template, _ = ChecklistTemplate.objects.get_or_create(
            name=name, defaults={"asset_type": types[type_code]})
        templates[name] = template
        for order, (text, text_en) in enumerate(items):
            ChecklistItem.objects.update_or_create(template=template, name=text, defaults={
                "name_en": text_en, "ordering": order * 10})
    for code, name, frequency, checklist, engineer, type_code, criticality, pre in PLANS:
        InspectionPlan.objects.update_or_create(contract=contracts[code], name=name, defaults={
            "frequency": frequency, "template": templates[checklist],
            "assignee": people[engineer], "asset_type": types[type_code],
            "criticality": criticality, "pre_holiday": pre,
            "starts_on": date(today.year, 1, 1)})
    for code, location_name, parts in STORE:
        contract = contracts[code]
        location, _ = StockLocation.objects.get_or_create(contract=contract, name=location_name)
        for part_code, name, models_, minimum, holds_data, stock in parts:
            part, created = Part.objects.update_or_create(
                contract=contract, code=part_code, defaults={
                    "name": name, "compatible_models": models_, "min_level": minimum,
                    "holds_data": holds_data})
            if created:
                StockMovement.objects.create(
                    part=part, location=location, kind=StockMovement.Kind.RECEIVE,
                    quantity=stock, actor=people["desk"], note="期初库存", created_at=moment)
