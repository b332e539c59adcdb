"""gunicorn's settings for the image (`gunicorn itsm.wsgi:application` finds this file in its
working directory, /app). Each knob from the environment, documented in README "Configuration".
"""

from itsm.env import env_int, env_str

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
# Cores + 1 sync workers: the pages are CPU-bound in Python, and on the 2-core bench 2-3 workers
# did as well as 4 or 6, and filed faster (bench/README.md, issue 19). With threads, each worker
# serves that many requests at once (exports and reports stream for seconds).
workers = env_int("GUNICORN_WORKERS", 3, minimum=1)
threads = env_int("GUNICORN_THREADS", 1, minimum=1)
# A request still running after this many seconds is killed with its worker (a report is made by
# a Celery task, never in a request, so a minute is generous).
timeout = env_int("GUNICORN_TIMEOUT", 60, minimum=1)
# Each worker is replaced after this many requests (plus up to the jitter, so they do not all
# restart at once): memory a library leaks is returned. 0 never replaces them. Not too often: a
# new worker spends about a second of CPU loading the app and rendering its first pages; at
# 1,000 requests, under load on 2 cores, those starts stalled requests for 0.5-2.8 s
# (bench/README.md, issue 19).
max_requests = env_int("GUNICORN_MAX_REQUESTS", 10000, minimum=0)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 1000, minimum=0)
accesslog = "-"
# The TLS proxy in front (README "Deploying with docker compose") is trusted for
# X-Forwarded-Proto; it reaches the container from the compose network, not from 127.0.0.1.
forwarded_allow_ips = env_str("GUNICORN_FORWARDED_ALLOW_IPS", "*")
