"""Asset pages: the register (views.py), import/export (views_io.py), inspections
(views_inspections.py) and the spare-part store (views_store.py)."""

from assets.urls_inspections import patterns as inspection_patterns
from assets.urls_io import patterns as io_patterns
from assets.urls_register import patterns as register_patterns
from assets.urls_store import patterns as store_patterns

app_name = "assets"

urlpatterns = [*io_patterns, *inspection_patterns, *store_patterns, *register_patterns]
