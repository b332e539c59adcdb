# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ITSM_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
# Pango and the Noto CJK fonts: WeasyPrint renders the Chinese PDF reports with them;
# postgresql-client: pg_dump and pg_restore for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 itsm

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var && chown -R itsm:itsm /app/var

USER itsm
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz/live', timeout=4).status != 200)"
CMD ["gunicorn", "itsm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-"]
