#!/usr/bin/env bash
# Debian packages the project needs beyond Python: Pango and the Noto CJK fonts for the PDF
# reports (WeasyPrint embeds the font, so Chinese prints on any reader), faketime for
# `make test-dates`, and with --ci also Chromium (browser tests), gettext (catalogue check), and
# redis-server and the PostgreSQL server (the fault tests start their own), pgbouncer (the
# deployment tests export through one), slapd with ldap-utils (the LDAP sign-in tests start
# their own), and (both lists) dovecot-imapd for the e-mail channel's tests and the headers
# python-ldap builds against. Installs only what is missing; as a
# non-root user it prints the command to run instead.
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || need+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "noto sans cjk sc" || need+=(fonts-noto-cjk)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
# python-ldap (LDAP sign-in, sso/) has no wheels: pip builds it against OpenLDAP's and SASL's
# headers with a C compiler (both lists: `make` installs it).
[ -e /usr/include/ldap.h ] || need+=(libldap2-dev)
[ -e /usr/include/sasl/sasl.h ] || need+=(libsasl2-dev)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
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
  # tests/deploy/test_pgbouncer.py starts a PgBouncer in transaction pooling mode.
  [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
  # The LDAP sign-in tests start a private OpenLDAP server (tests/sso/slapd.py).
  [ -x /usr/sbin/slapd ] || need+=(slapd)
  command -v ldapmodify >/dev/null 2>&1 || need+=(ldap-utils)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
  exit 0
fi
echo "Installing: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
