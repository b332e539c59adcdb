# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ITSM_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
# Pango and the Noto CJK fonts: WeasyPrint renders the Chinese PDF reports with them.
# OpenLDAP's and SASL's libraries: python-ldap (LDAP sign-in) links against them.
# postgresql-client: pg_dump and pg_restore for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
        libldap-2.5-0 libsasl2-2 postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 itsm

# Dependencies first, so code changes do not reinstall them: exactly the pins of the lock file,
# each checked against its hash; then the project itself (its metadata), without dependencies.
# python-ldap has no wheels: it is built here, and its build tools removed again.
COPY requirements.txt ./
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libldap2-dev libsasl2-dev \
    && pip install --require-hashes -r requirements.txt \
    && apt-get purge -y --auto-remove gcc libc6-dev libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*

COPY . .
RUN pip install --no-deps -e .
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var && chown -R itsm:itsm /app/var

USER itsm
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]
# Workers, threads, timeout and max-requests from the environment: gunicorn.conf.py.
CMD ["gunicorn", "itsm.wsgi:application"]
