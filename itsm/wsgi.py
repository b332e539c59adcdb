import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their models, the URLconf and the views it imports)
# lives as long as the process. Frozen, the collector no longer walks those ~200,000 objects:
# a full collection, which the objects a request holds while a younger generation is collected
# set off every few dozen requests, took 50-150 ms of a worker's CPU (~0.5 ms a request on the
# API list, bench/README.md "Ninth pass"); now it walks what requests left behind. Under a
# pre-forking server it also keeps the workers' shared pages from being copied by the collector.
get_resolver().url_patterns  # noqa: B018 (imported now, so frozen with the rest)
gc.collect()
gc.freeze()
