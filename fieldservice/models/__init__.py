"""Field-service models, one module per sub-domain (visits, reports, repairs, part requests)."""
