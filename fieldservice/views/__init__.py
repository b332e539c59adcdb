"""Field service views, one module per sub-domain (visits, reports, repairs, parts)."""
