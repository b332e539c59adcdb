"""surveys: models arrive with the surveys issue."""
