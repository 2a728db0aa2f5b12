#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests on SQLite and (when reachable)
# PostgreSQL, API fuzzing from the OpenAPI document (scripts/api-fuzz.sh, same engines), and
# the browser journeys in headless Chromium. Installs missing test tools first.
#
#   scripts/test.sh
#
# PostgreSQL: set SIMPUL_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres
# when a server answers there; REQUIRE_POSTGRES=1 makes its absence an error).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

default_pg=postgres://postgres@127.0.0.1:5432/postgres
if [ -z "${SIMPUL_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
  export SIMPUL_TEST_POSTGRES_URL=$default_pg
fi
if [ -n "${SIMPUL_TEST_POSTGRES_URL:-}" ]; then
  echo "== integration tests on SQLite and PostgreSQL ($SIMPUL_TEST_POSTGRES_URL)"
elif [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL is required but not reachable" >&2
  exit 1
else
  echo "== PostgreSQL not reachable: integration tests on SQLite only"
fi

# One build serves the Rust tests and the browser journeys (target/debug/simpul).
cargo test --workspace --all-targets

echo "== API fuzzing (schemathesis)"
scripts/api-fuzz.sh

echo "== browser journeys (headless Chromium, 360x800, axe-core, 50 KB page budget)"
(cd e2e && SIMPUL_BIN=../target/debug/simpul node --test --test-concurrency=1 journeys/*.test.mjs)

echo "== walk of every screen as every demo role (../shared/tools/walk.mjs)"
scripts/walk.sh
