"""Settings for the ITSM portal, read from the environment (see README "Configuration").

One settings package for every environment: development, tests, CI and production differ only by
environment variables. Bad values stop start-up with a clear message (itsm/env.py).

The parts, in the order they are read (a later part may add to an earlier one's values):
- base.py: the framework (apps, middleware, database, cache, accounts, Celery, API, security);
- features.py: what each app of the portal reads, and the beat schedule of their jobs;
- ops.py: logs, metrics, error reports, health thresholds, retention (docs/operations/).
"""

from itsm.settings.base import *  # noqa: F403
from itsm.settings.features import *  # noqa: F403
from itsm.settings.ops import *  # noqa: F403
