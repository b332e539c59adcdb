"""Field service selectors, one module per sub-domain (visits, reports, repairs, parts)."""
