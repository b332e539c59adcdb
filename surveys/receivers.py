"""Signal receivers of the surveys app (being built)."""
