# Load the Celery app when Django starts so that @shared_task binds to it.
from itsm.celery import app as celery_app
from itsm.version import VERSION as __version__

__all__ = ("celery_app", "__version__")
