# Shared by bench/dissem.sh, bench/portal.sh and bench/governance.sh (sourced, not run):
# engines, a generated database per engine, a server, a signed-in session or API token, wrk
# figures and the report file. Expects `set -euo pipefail` and the repository root as cwd.

BIN="${SIMPUL_BIN:-target/release/simpul}"
EXAMPLES="${SIMPUL_EXAMPLES:-$(dirname "$BIN")/examples}"
PG_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
ENGINES="${ENGINES:-sqlite postgres}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
# wrk counts a request slower than this as a timeout (its default, 2s, hides slow debug builds).
WRK_TIMEOUT="${WRK_TIMEOUT:-10s}"
HOST=127.0.0.1

[ -x "$BIN" ] || cargo build --release -p simpul --bins --examples
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
WORK="$(mktemp -d /tmp/simpul-bench.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ "${KEEP_TMP:-0}" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
mkdir -p bench/out

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.1f} s')"; }

# db_args ENGINE NAME: sets DB_ARGS for a fresh database (SQLite file in $WORK/NAME, or the
# PostgreSQL database simpul_NAME dropped and created again).
db_args() {
  local engine="$1" name="$2"
  DB_ARGS=(--data-dir "$WORK/$engine-$name")
  mkdir -p "$WORK/$engine-$name"
  if [ "$engine" = postgres ]; then
    psql "$PG_BASE/postgres" -qX -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS simpul_$name WITH (FORCE)" -c "CREATE DATABASE simpul_$name" >/dev/null
    DB_ARGS+=(--database-url "$PG_BASE/simpul_$name")
    DB_URL="$PG_BASE/simpul_$name"
  else
    DB_URL="sqlite://$WORK/$engine-$name/simpul.db"
  fi
}

# start_server LOGFILE: `simpul serve` on a free port with DB_ARGS; sets BASE and SERVER_PID.
start_server() {
  local port; port="$(free_port)"
  "$BIN" serve "${DB_ARGS[@]}" --listen "$HOST:$port" > "$1" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  BASE="http://$HOST:$port"
  for _ in $(seq 1 240); do
    curl -fsS --max-time 2 "$BASE/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$1" >&2; return 1; }
    sleep 0.5
  done
  tail -n 30 "$1" >&2; return 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

# create_admin USER ROLE [REGION]: an administrator with the password bench-admin-password.
create_admin() {
  SIMPUL_ADMIN_PASSWORD=bench-admin-password "$BIN" create-admin "${DB_ARGS[@]}" --username "$1" \
    --display-name "Bench $1" --role "$2" ${3:+--region "$3"} >/dev/null
}

# login USER: signs in through the login form; prints the session cookie's value.
login() {
  local jar="$WORK/cookies-$1" csrf
  rm -f "$jar"
  csrf="$(curl -fsS --max-time 30 -c "$jar" -b "$jar" "$BASE/login" \
    | grep -o 'name="csrf_token" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')"
  curl -fsS --max-time 30 -o /dev/null -c "$jar" -b "$jar" -X POST "$BASE/login" \
    --data-urlencode "csrf_token=$csrf" --data-urlencode "username=$1" \
    --data-urlencode "password=bench-admin-password"
  awk '$6 == "simpul_session" { print $7 }' "$jar"
}

# api_token USER: prints an API token (as bench/registry.sh takes one).
api_token() {
  curl -fsS --max-time 30 -X POST "$BASE/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"bench-admin-password\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# expect_200 PATH [curl args...]: stop unless the server answers 200.
expect_200() {
  local path="$1" code; shift
  code="$(curl -sS --max-time 120 -o /dev/null -w '%{http_code}' "$@" "$BASE$path" || true)"
  [ "$code" = 200 ] || { echo "simpul answered $code for $path" >&2; return 1; }
}

# to_ms "250.00us" -> 0.250
to_ms() {
  awk -v v="$1" 'BEGIN { if (!match(v, /^[0-9.]+/)) exit 1; n = substr(v, 1, RLENGTH) + 0; u = substr(v, RLENGTH + 1);
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", n * f }'
}

# wrk_run URL [wrk args...]: warm-up, then the measured run; prints "rps p50_ms p99_ms errors".
wrk_run() {
  local url="$1" out; shift
  [ "$WARMUP" = 0 ] || timeout 300 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$WRK_TIMEOUT" "$@" "$url" >/dev/null
  out="$(timeout 900 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "$@" "$url")"
  echo "$out" >> "$WORK/wrk-raw.txt"
  local rps p50 p99 err
  rps="$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2; exit }' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2; exit }' <<<"$out")")"
  err="$(grep -E '^ *(Socket errors|Non-2xx or 3xx responses):' <<<"$out" | sed 's/^ *//' | paste -sd ';' - || true)"
  echo "$rps $p50 $p99 ${err:--}"
}

# header TITLE: the report's head (machine, commit, wrk command).
header() {
  echo "# $1"
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -h | awk '/Mem:/ {print $2}') RAM; $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain | head -n 1)" ] || echo ' (dirty)'); binary $BIN"
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $WRK_TIMEOUT --latency after a $WARMUP warm-up (wrk and the server share the machine)"
  echo
}

# cell RPS P50 P99 ERR: one table cell.
cell() {
  local s="$1 req/s, p50 $2 ms, p99 $3 ms"
  [ "$4" = - ] || s="$s, **wrk errors: $4**"
  echo "$s"
}
