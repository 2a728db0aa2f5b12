#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, skipping what is present:
# headless Chromium (browser journeys), aiosmtpd (a real SMTP server for mail tests), the
# PostgreSQL client tools (pg_dump/pg_restore for the backup tests; Debian's postgresql-client
# matches Debian's server version), the pinned npm packages of e2e/ (playwright-core, axe-core),
# and the pinned Schemathesis (API fuzzing, scripts/api-fuzz.sh) in a virtualenv under
# ~/.cache/simpul, away from the system's Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v chromium >/dev/null 2>&1 || apt_install chromium
command -v node >/dev/null 2>&1 || apt_install nodejs npm
command -v python3 >/dev/null 2>&1 || apt_install python3 python3-pip
{ command -v pg_dump && command -v pg_restore; } >/dev/null 2>&1 || apt_install postgresql-client
# xmllint validates every CAP document Simpul writes against the OASIS schema (alerts tests).
command -v xmllint >/dev/null 2>&1 || apt_install libxml2-utils

if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6 \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd==1.4.6
fi

SCHEMATHESIS_VERSION=4.32.5
schemathesis_venv=${XDG_CACHE_HOME:-$HOME/.cache}/simpul/schemathesis-$SCHEMATHESIS_VERSION
if [ ! -x "$schemathesis_venv/bin/schemathesis" ]; then
  python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  python3 -m venv "$schemathesis_venv"
  "$schemathesis_venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ]; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
