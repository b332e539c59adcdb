"""What every e-mail the portal sends has in common, whichever app sends it."""

# Every mail the portal sends is automatic: RFC 3834 asks responders (out-of-office replies,
# vacation robots) not to answer it, and Exchange honours its own header for the same purpose.
AUTOMATIC_MAIL_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
