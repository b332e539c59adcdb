"""Field service services, one module per sub-domain (visits, reports, repairs, parts)."""
