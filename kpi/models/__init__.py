"""kpi: the daily rollup the dashboards read, contract KPI targets, engineer scorecards and the
archived service reports."""

from kpi.models.reports import ServiceReport  # noqa: F401
from kpi.models.rollup import (  # noqa: F401
    AssetFaultRollup,
    BacklogSnapshot,
    DailyRollup,
    MonthlyRollup,
)
from kpi.models.scorecards import (  # noqa: F401
    RATING_ITEMS,
    Scorecard,
    ScorecardRating,
    ScorecardScheme,
)
from kpi.models.targets import KpiTargets  # noqa: F401
