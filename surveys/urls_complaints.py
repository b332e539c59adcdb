"""URL patterns; see surveys/urls.py."""

patterns: list = []
