"""Settings for the ITSM portal, read from the environment (see README "Configuration").

One settings package for every environment: development, tests, CI and production differ only by
environment variables. Bad values stop start-up with a clear message (itsm/env.py).

The parts, in the order they are read (a later part may add to an earlier one's values):
- base.py: the framework (apps, middleware, database, cache, accounts, Celery, API, security);
- features.py: what each app of the portal reads, and the beat schedule of their jobs;
- deploy.py: what a deployment behind PgBouncer or a TLS proxy adjusts;
- scale.py: running on several hosts (object storage, Celery queues and beat lock, read replica);
- sso.py: single sign-on (LDAP / Active Directory, OpenID Connect);
- ops.py: logs, metrics, error reports, health thresholds, retention (docs/operations/); last,
  because it times every beat job the parts before it scheduled.
"""

# The parts load in the order above, not alphabetically.
# isort: off
from itsm.settings.base import *  # noqa: F403
from itsm.settings.deploy import *  # noqa: F403
from itsm.settings.features import *  # noqa: F403
from itsm.settings.scale import *  # noqa: F403
from itsm.settings.sso import *  # noqa: F403
from itsm.settings.ops import *  # noqa: F403
# isort: on
