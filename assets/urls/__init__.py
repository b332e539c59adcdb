"""Asset pages: the register (views/register.py), import/export (views/io.py), inspections
(views/inspections.py) and the spare-part store (views/store.py)."""

from assets.urls.inspections import patterns as inspection_patterns
from assets.urls.io import patterns as io_patterns
from assets.urls.register import patterns as register_patterns
from assets.urls.store import patterns as store_patterns

app_name = "assets"

urlpatterns = [*io_patterns, *inspection_patterns, *store_patterns, *register_patterns]
