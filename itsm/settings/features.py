"""What each app of the portal reads: tickets, assets, SLA job, surveys, KPI, e-mail channel,
field service, knowledge; and the beat schedule of their periodic jobs.

The framework part (database, cache, accounts, Celery, API, security, logging) is in
itsm/settings/base.py; this module adds to it (CELERY_BEAT_SCHEDULE entries included).
"""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from itsm.env import env_int, env_list, env_str, local_url
from itsm.settings.base import CELERY_BEAT_SCHEDULE, DATABASES

# --- Tickets ------------------------------------------------------------------------------------
# A resolved ticket nobody objects to closes itself after this many days (T5).
TICKET_AUTO_CLOSE_DAYS = env_int("TICKET_AUTO_CLOSE_DAYS", 3, minimum=1)

# --- assets -------------------------------------------------------------------------------------
# A second fault on the same asset and category within this many days flags both (T10).
RECURRING_FAULT_DAYS = env_int("RECURRING_FAULT_DAYS", 90, minimum=1)
# Warranty ending within this many days: listed and announced to the PM.
WARRANTY_NOTICE_DAYS = env_int("WARRANTY_NOTICE_DAYS", 30, minimum=1)
# QR labels hold an absolute URL: this base, or the request's host when empty.
ASSET_LABEL_BASE_URL = env_str("ASSET_LABEL_BASE_URL", "")
# Import files larger than this are refused before parsing.
ASSET_IMPORT_MAX_BYTES = env_int("ASSET_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
ASSET_IMPORT_MAX_ROWS = env_int("ASSET_IMPORT_MAX_ROWS", 100_000, minimum=1)
# An uploaded workbook's zip directory is checked before it is parsed (zip bombs).
IMPORT_MAX_EXPANDED_BYTES = env_int("IMPORT_MAX_EXPANDED_BYTES", 50 * 1024 * 1024, minimum=1024)
IMPORT_MAX_MEMBER_BYTES = env_int("IMPORT_MAX_MEMBER_BYTES", 40 * 1024 * 1024, minimum=1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=2)
IMPORT_MAX_ZIP_MEMBERS = env_int("IMPORT_MAX_ZIP_MEMBERS", 1000, minimum=10)
# Imports with more rows run as a background task with a progress bar.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2000, minimum=1)
# Plans marked "before long holidays" get an extra round this many working days ahead.
INSPECTION_PRE_HOLIDAY_WORKING_DAYS = env_int("INSPECTION_PRE_HOLIDAY_WORKING_DAYS", 3, minimum=1)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 5, minimum=1)
ATTACHMENT_EXTENSIONS = env_list(
    "ATTACHMENT_EXTENSIONS",
    ["jpg", "jpeg", "png", "gif", "webp", "heic", "pdf", "txt", "log", "csv", "doc", "docx",
     "xls", "xlsx", "ppt", "pptx", "zip", "7z", "rar", "eml", "msg"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
CELERY_BEAT_SCHEDULE["tickets-auto-close"] = {
    "task": "tickets.tasks.close_confirmed_by_silence",
    "schedule": timedelta(hours=1),
    "options": {"expires": 3000},
}
# The portal's address as users reach it, for links in e-mails, chat messages, surveys and
# reports. Unset, it follows HOST and PORT, the address `make run` serves on.
SITE_URL = (env_str("SITE_URL") or local_url(env_str("HOST", "127.0.0.1"),
                                             env_int("PORT", 8000, minimum=1))).rstrip("/")
# The SLA minute job; shorter only for tests that watch several runs (tests/faults/).
SLA_EVALUATE_SECONDS = env_int("SLA_EVALUATE_SECONDS", 60, minimum=1)
# Database connections (threads) that work a backlog of due clocks together; 1 = one at a time.
SLA_CATCH_UP_CONNECTIONS = env_int("SLA_CATCH_UP_CONNECTIONS", 2, minimum=1)
CELERY_BEAT_SCHEDULE["sla-evaluate"] = {
    "task": "sla.tasks.evaluate",
    "schedule": timedelta(seconds=SLA_EVALUATE_SECONDS),
    # Expire just under the interval: a backlog after downtime never piles up runs.
    "options": {"expires": max(SLA_EVALUATE_SECONDS - 5, 1)},
}
# Inspection rounds due in the next days are generated hourly (idempotent, one row per period);
# warranty notices and restock checks go out daily.
CELERY_BEAT_SCHEDULE["assets-inspections-generate"] = {
    "task": "assets.tasks.inspections_generate",
    "schedule": timedelta(hours=1),
    "options": {"expires": 3000},
}
# Large imports whose message was lost (broker down) or whose worker died.
CELERY_BEAT_SCHEDULE["assets-import-sweep"] = {
    "task": "assets.tasks.import_sweep",
    "schedule": timedelta(minutes=5),
    "options": {"expires": 280},
}
CELERY_BEAT_SCHEDULE["assets-warranty-notices"] = {
    "task": "assets.tasks.warranty_notices",
    "schedule": timedelta(hours=6),
    "options": {"expires": 3000},
}
# Parts already below their minimum get their restock request even when no stock moved.
CELERY_BEAT_SCHEDULE["assets-restock-check"] = {
    "task": "assets.tasks.restock_check_all",
    "schedule": crontab(hour=2, minute=0),
    "options": {"expires": 3000},
}
# Retention: what the settings above keep, and not a day more (deletes in the small hours).
CELERY_BEAT_SCHEDULE["accounts-security-events-purge"] = {
    "task": "accounts.tasks.security_events_purge",
    "schedule": crontab(hour=3, minute=10),
    "options": {"expires": 3000},
}
CELERY_BEAT_SCHEDULE["assets-import-jobs-purge"] = {
    "task": "assets.tasks.import_jobs_purge",
    "schedule": crontab(hour=3, minute=20),
    "options": {"expires": 3000},
}
CELERY_BEAT_SCHEDULE["tickets-bulk-submissions-purge"] = {
    "task": "tickets.tasks.bulk_submissions_purge",
    "schedule": timedelta(hours=1),
    "options": {"expires": 3000},
}
# Surveys and complaints: overdue complaints escalate and campaign reminders go out (V2, V4).
CELERY_BEAT_SCHEDULE["surveys-complaints-escalate"] = {
    "task": "surveys.tasks.complaints_escalate",
    "schedule": timedelta(minutes=5),
    "options": {"expires": 280},
}
CELERY_BEAT_SCHEDULE["surveys-campaign-reminders"] = {
    "task": "surveys.tasks.campaign_reminders",
    "schedule": timedelta(hours=6),
    "options": {"expires": 3000},
}
# Field service, vendor repairs (f16repair): progress updates due every 3 working days remind
# the desk, overdue returns escalate to the PM; each exactly once
# (fieldservice/repair_reminders.py).
CELERY_BEAT_SCHEDULE["fieldservice-repair-reminders"] = {
    "task": "fieldservice.tasks.repair_reminders",
    "schedule": timedelta(hours=1),
    "options": {"expires": 3000},
}
# Per-ticket surveys stay open this many natural days (V1; seed 000).
SURVEY_VALID_DAYS = env_int("SURVEY_VALID_DAYS", 7, minimum=1)
# KPI rollup (K1): the frequent job rebuilds the last KPI_REFRESH_DAYS days (covers surveys
# answered up to 7 days after they were sent); the nightly one KPI_NIGHTLY_DAYS (late edits).
KPI_REFRESH_DAYS = env_int("KPI_REFRESH_DAYS", 8, minimum=1)
KPI_NIGHTLY_DAYS = env_int("KPI_NIGHTLY_DAYS", 45, minimum=1)
CELERY_BEAT_SCHEDULE["kpi-refresh-recent"] = {
    "task": "kpi.tasks.refresh_recent",
    "schedule": timedelta(minutes=10),
    "options": {"expires": 590},
}
CELERY_BEAT_SCHEDULE["kpi-refresh-nightly"] = {
    "task": "kpi.tasks.refresh_nightly",
    "schedule": crontab(hour=1, minute=30),
    "options": {"expires": 3000},
}
# Service reports (K3): the monthly (quarterly, annual) reports of the period before on the 1st,
# or on the next run when the 1st was missed; daily the missing major-incident reports;
# idempotent: a report that exists is never made again (kpi/services/schedule.py).
CELERY_BEAT_SCHEDULE["kpi-reports-schedule"] = {
    "task": "kpi.tasks.reports_schedule",
    "schedule": crontab(hour=6, minute=10),
    "options": {"expires": 3000},
}
# Engineer scorecards (K2): the quarter before, computed after the nightly rollup refresh on
# each of the first ten days of a quarter, so a missed 1st is caught up (the job is idempotent:
# it creates the missing cards and recomputes the objective part, keeping the ratings).
CELERY_BEAT_SCHEDULE["kpi-scorecards-quarterly"] = {
    "task": "kpi.tasks.scorecards_quarterly",
    "schedule": crontab(day_of_month="1-10", month_of_year="1,4,7,10", hour=3, minute=0),
    "options": {"expires": 3 * 3600},
}

# The e-mail channel (issue 17; README "E-mail channel"). MAILIN_REPLY_TO is the desk's address:
# ticket mails carry it as Reply-To, plus-addressed with the ticket's reply token
# (desk+2026-000123-xxxxxxxx@…); empty: no Reply-To, the token in the subject still threads.
MAILIN_REPLY_TO = env_str("MAILIN_REPLY_TO", "")
# The key of the reply tokens' secret part; empty: SECRET_KEY (rotating it retires old tokens).
MAILIN_TOKEN_KEY = env_str("MAILIN_TOKEN_KEY", "")
MAILIN_MAX_BYTES = env_int("MAILIN_MAX_MB", 25, minimum=1) * 1024 * 1024
MAILIN_RATE_LIMIT_PER_HOUR = env_int("MAILIN_RATE_LIMIT_PER_HOUR", 30, minimum=1)
MAILIN_IMAP_TIMEOUT = env_int("MAILIN_IMAP_TIMEOUT", 30, minimum=1)
# A CA bundle for IMAP servers with a private certificate; empty: the system's CAs.
MAILIN_IMAP_CA_FILE = env_str("MAILIN_IMAP_CA_FILE", "")
# How long a poller owns a mailbox (renewed every 50 messages); a dead poller's lease expires.
MAILIN_LEASE_SECONDS = env_int("MAILIN_LEASE_SECONDS", 300, minimum=30)
# Threads filing one poll's messages side by side (each its own database connection); 1 on
# SQLite, which has one writer at a time anyway.
MAILIN_POLL_WORKERS = env_int("MAILIN_POLL_WORKERS",
                              1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 3,
                              minimum=1)
CELERY_BEAT_SCHEDULE["mailin-poll"] = {
    "task": "mailin.tasks.poll_mailboxes",
    "schedule": timedelta(minutes=1),
    "options": {"expires": 55},
}

# --- field service: customer service reports (issue 16.3, f16report) -----------------------------
# A drawn signature: a PNG of at most this size, with at least this many inked pixels (a blank
# or barely touched pad is refused).
SIGNATURE_MAX_BYTES = env_int("SIGNATURE_MAX_KB", 1024, minimum=16) * 1024
SIGNATURE_MIN_INK_PIXELS = env_int("SIGNATURE_MIN_INK_PIXELS", 150, minimum=1)
# Unsigned reports past their confirmation date: the project manager hears once.
CELERY_BEAT_SCHEDULE["fieldservice-reports-overdue"] = {
    "task": "fieldservice.tasks.reports_overdue",
    "schedule": timedelta(hours=1),
    "options": {"expires": 3000},
}

# --- problems, changes and notices (issue 18, k18chg) -------------------------------------------
# A problem is proposed once this many faults fall on one asset and category within
# RECURRING_FAULT_DAYS (the ticket's recurring-fault flag is raised at two).
PROBLEM_RECURRING_FAULTS = env_int("PROBLEM_RECURRING_FAULTS", 2, minimum=2)
# An unanswered change approval reminds its approver after this many hours, and is escalated
# to the contract's project manager after this many (each exactly once).
CHANGE_APPROVAL_REMIND_HOURS = env_int("CHANGE_APPROVAL_REMIND_HOURS", 24, minimum=1)
CHANGE_APPROVAL_ESCALATE_HOURS = env_int("CHANGE_APPROVAL_ESCALATE_HOURS", 48, minimum=1)
if CHANGE_APPROVAL_ESCALATE_HOURS <= CHANGE_APPROVAL_REMIND_HOURS:
    raise ImproperlyConfigured(
        "CHANGE_APPROVAL_ESCALATE_HOURS must be longer than CHANGE_APPROVAL_REMIND_HOURS; got "
        f"{CHANGE_APPROVAL_ESCALATE_HOURS} and {CHANGE_APPROVAL_REMIND_HOURS}.")
CELERY_BEAT_SCHEDULE["knowledge-approvals-remind"] = {
    "task": "knowledge.tasks.approvals_remind",
    "schedule": timedelta(minutes=10),
    "options": {"expires": 590},
}
CELERY_BEAT_SCHEDULE["knowledge-problems-propose"] = {
    "task": "knowledge.tasks.problems_propose",
    "schedule": timedelta(hours=1),
    "options": {"expires": 3500},
}
