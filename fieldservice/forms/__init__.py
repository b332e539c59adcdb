"""Field service forms, one module per sub-domain (visits, reports, repairs, parts)."""
