"""Hiding secrets before text reaches a log, an error message or a page."""

import re


def mask_url(url: str) -> str:
    """Hide the password part of a URL (``redis://:secret@host`` → ``redis://:***@host``)."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
