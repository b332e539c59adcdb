#!/usr/bin/env bash
# Debian packages the project needs beyond Python: Pango and the Noto CJK fonts for the PDF
# reports (WeasyPrint embeds the font, so Chinese prints on any reader), faketime for
# `make test-dates`, and with --ci also Chromium (browser tests), gettext (catalogue check), and
# redis-server and the PostgreSQL server (the fault tests start their own), and (both lists)
# dovecot-imapd for the e-mail channel's tests. Installs only what is missing; as a
# non-root user it prints the command to run instead.
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || need+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "noto sans cjk sc" || need+=(fonts-noto-cjk)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
# The e-mail channel's tests start a private Dovecot IMAP server (tests/mailin/servers.py):
# needed by `make test` (both lists; this line runs with --ci too).
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
# `manage.py backup` / `restore` run pg_dump and pg_restore (tests/itsm/test_backup.py too).
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)
if [ "${1:-}" = "--ci" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
  # The fault tests (tests/faults/) start their own Redis and PostgreSQL cluster.
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
echo "Installing: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
