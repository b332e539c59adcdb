"""Pages of knowledge (/kb/), problems, changes and maintenance notices."""

app_name = "knowledge"
urlpatterns: list = []
