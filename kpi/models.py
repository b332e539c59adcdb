"""kpi: models arrive with the kpi issue."""
