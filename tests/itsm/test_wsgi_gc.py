"""itsm/wsgi.py freezes what the app loaded (bench/README.md "Ninth pass"): the collector's full
collections then walk only what requests leave behind, not the app's ~200,000 objects."""

import subprocess
import sys

PROBE = """
import gc, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
import itsm.wsgi
import accounts.views  # noqa: F401 (a view module the URLconf imports)
print(gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_wsgi_module_freezes_the_loaded_app():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            check=True, timeout=120)
    frozen, tracked = map(int, result.stdout.split()[-2:])
    # The app and its URLconf are frozen; what stays tracked is a small remainder.
    assert frozen > 50_000
    assert tracked < frozen / 10
