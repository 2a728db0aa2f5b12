#!/usr/bin/env bash
# Fuzz the JSON API from its own OpenAPI document with Schemathesis, on SQLite and (when
# reachable) PostgreSQL: `target/debug/simpul serve --demo` on a fresh data directory / fresh
# database and a free port, then schemathesis as an anonymous caller and as a provincial admin
# (bearer token of kominfo.jatim). Fails on any 5xx, any response that does not conform to the
# document (status, content type, headers, body schema), any accepted invalid input, and any
# panic in the server's log (the `PANIC` marker, see crates/web/src/panics.rs).
#
#   scripts/api-fuzz.sh                  both engines (PostgreSQL when it answers)
#   API_FUZZ_EXAMPLES=50 API_FUZZ_SEED=7 scripts/api-fuzz.sh sqlite
#
# Needs target/debug/simpul (built if missing) and the pinned Schemathesis that
# scripts/install-test-deps.sh installs into a virtualenv under ~/.cache/simpul. Reports (JUnit, and the
# requests of failures as a cassette) land in target/api-fuzz/<engine>-<caller>/.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=$(sed -n 's/^SCHEMATHESIS_VERSION=//p' scripts/install-test-deps.sh)
examples=${API_FUZZ_EXAMPLES:-15}
seed=${API_FUZZ_SEED:-20261128}
pg_url=${SIMPUL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
engines=("$@")
if [ ${#engines[@]} = 0 ]; then
  engines=(sqlite)
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
    engines+=(postgres)
  elif [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "PostgreSQL is required but not reachable" >&2
    exit 1
  fi
fi

venv=${XDG_CACHE_HOME:-$HOME/.cache}/simpul/schemathesis-$SCHEMATHESIS_VERSION
[ -x "$venv/bin/schemathesis" ] || scripts/install-test-deps.sh
[ -x target/debug/simpul ] || cargo build -p simpul

out=target/api-fuzz
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
server=
pg_db=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Operations that would take the fuzzing caller's own access away (revoking its token,
# deactivating or re-passwording its account) run last, after everything else.
self_destructive=(--include-path-regex '^/api/v1/(auth/tokens/\{id\}|users/\{id\}/(active|password))$')
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection

fuzz() { # name, extra schemathesis arguments...
  local name=$1
  shift
  local started
  started=$(date +%s)
  "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" --url "$base" \
    --checks "$checks" --max-examples "$examples" --seed "$seed" \
    --phases examples,coverage,fuzzing --workers 1 --no-color \
    --suppress-health-check all --request-timeout 30 --generation-database none \
    --report junit,vcr --report-dir "$out/$name" "$@" >"$out/$name.log" 2>&1 \
    || { cat "$out/$name.log"; echo "schemathesis found problems ($name): $out/$name.log" >&2; return 1; }
  grep -E '[0-9]+ generated' "$out/$name.log" | sed "s/^ */   $name: /" || true
  echo "== $name: $(( $(date +%s) - started )) s"
}

for engine in "${engines[@]}"; do
  echo "== API fuzzing on $engine"
  engine_started=$(date +%s)
  data="$work/$engine"
  mkdir -p "$data"
  db_args=()
  if [ "$engine" = postgres ]; then
    pg_db=simpul_api_fuzz_$$
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" -c "CREATE DATABASE $pg_db" >/dev/null
    db_args=(--database-url "${pg_url%/*}/$pg_db")
  fi
  # The files exist before the server starts: the background job opens them itself, and the
  # loop below may read them before it has (seen once: sed failed and ended the run).
  : >"$out/server-$engine.out"
  : >"$out/server-$engine.log"
  target/debug/simpul serve --demo --data-dir "$data" --listen 127.0.0.1:0 "${db_args[@]}" \
    >>"$out/server-$engine.out" 2>>"$out/server-$engine.log" &
  server=$!
  base=
  for _ in $(seq 1 300); do
    base=$(sed -n 's/^Simpul listening on \(http:[^ ]*\).*/\1/p' "$out/server-$engine.out")
    [ -n "$base" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$out/server-$engine.log"; exit 1; }
    sleep 0.2
  done
  [ -n "$base" ] || { echo "server did not start" >&2; exit 1; }

  token=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
    -d '{"username":"kominfo.jatim","password":"simpul-demo-2026"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  status=0
  fuzz "$engine-anonymous" || status=1
  fuzz "$engine-admin" -H "Authorization: Bearer $token" \
    --exclude-path-regex '^/api/v1/(auth/tokens/\{id\}|users/\{id\}/(active|password))$' || status=1
  fuzz "$engine-admin-last" -H "Authorization: Bearer $token" "${self_destructive[@]}" || status=1

  kill "$server"
  wait "$server" || true
  server=
  if grep -n PANIC "$out/server-$engine.log"; then
    echo "the server panicked on $engine (log: $out/server-$engine.log)" >&2
    status=1
  fi
  if [ -n "$pg_db" ]; then
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
    pg_db=
  fi
  echo "== API fuzzing on $engine: $(( $(date +%s) - engine_started )) s"
  [ "$status" = 0 ] || exit 1
done
