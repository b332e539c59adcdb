"""notifications: models arrive with the notifications issue."""
