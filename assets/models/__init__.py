"""Assets (固定资产 / 配置管理): the register, inspections (巡检) and the spare-part store
(备件库)."""

from assets.models.inspections import (
    ChecklistItem,
    ChecklistTemplate,
    Frequency,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    InspectionRound,
)
from assets.models.io import ImportJob
from assets.models.register import (
    Asset,
    AssetRelation,
    AssetStatus,
    AssetType,
    Criticality,
)
from assets.models.store import (
    BadPart,
    Loan,
    Part,
    RestockRequest,
    StockLocation,
    StockMovement,
)

__all__ = [
    "Asset", "AssetRelation", "AssetStatus", "AssetType", "BadPart", "ChecklistItem",
    "ChecklistTemplate", "Criticality", "Frequency", "ImportJob", "InspectionPhoto",
    "InspectionPlan",
    "InspectionRecord", "InspectionResult", "InspectionRound", "Loan", "Part", "RestockRequest",
    "StockLocation", "StockMovement",
]
