"""assets: models arrive with the assets issue."""
