"""Pages of the e-mail channel (the mail as received, split, spam)."""

app_name = "mailin"
urlpatterns: list = []
