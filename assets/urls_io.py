"""URL patterns; see assets/urls.py."""

patterns: list = []
