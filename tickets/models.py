"""tickets: models arrive with the tickets issue."""
