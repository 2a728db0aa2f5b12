#!/usr/bin/env bash
# HTTP load benchmark for Simpul: simpul (SQLite, PostgreSQL) vs. an nginx
# static-file ceiling serving the exact same bytes. See bench/README.md.
#
#   bench/http.sh                 # full run
#   bench/http.sh --ceiling-only  # nginx ceiling only (dummy bodies, or SOURCE_URL)
set -euo pipefail

# ---------------------------------------------------------------- settings --
# Paths (with query string) to benchmark, whitespace separated.
TARGETS="${TARGETS:-/ /regions/35.14 /kim?region=35.14 /api/v1/regions?q=prigen /api/v1/kims?region=35.14}"
DURATION="${DURATION:-15s}"            # wrk -d for the measured run
WARMUP="${WARMUP:-3s}"                 # wrk -d for the warm-up run; 0 = none
THREADS="${THREADS:-2}"                # wrk -t
CONNECTIONS="${CONNECTIONS:-64}"       # wrk -c
ENGINES="${ENGINES:-sqlite postgres}"  # simpul storage engines to run
PG_URL_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
PG_DB="${PG_DB:-simpul_bench}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-120}" # seconds to wait for /healthz
KEEP_TMP="${KEEP_TMP:-0}"              # 1 = keep the temp dir (logs, bodies)
SOURCE_URL="${SOURCE_URL:-}"           # --ceiling-only: fetch bodies from here

HOST=127.0.0.1                         # loopback only, never change this

# ------------------------------------------------------------------ set-up --
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
cd "$REPO_DIR"
DEFAULT_BIN=target/release/simpul
SIMPUL_BIN="${SIMPUL_BIN:-$DEFAULT_BIN}"

CEILING_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --ceiling-only) CEILING_ONLY=1 ;;
    -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

# wrk durations: N, Ns, Nm, Nh -> seconds (used for the safety timeout).
dur_secs() {
  local d="$1"
  [[ "$d" =~ ^([0-9]+)([smh]?)$ ]] || die "bad duration '$d' (use e.g. 15s, 1m)"
  local n="${BASH_REMATCH[1]}" u="${BASH_REMATCH[2]}"
  case "$u" in
    m) echo $((n * 60)) ;;
    h) echo $((n * 3600)) ;;
    *) echo "$n" ;;
  esac
}
DURATION_S="$(dur_secs "$DURATION")"
WARMUP_S="$(dur_secs "$WARMUP")"
[ "$DURATION_S" -gt 0 ] || die "DURATION must be > 0"

# read -a does not glob, so '?' in a target is safe.
read -r -a TARGET_LIST <<< "$TARGETS"
[ "${#TARGET_LIST[@]}" -gt 0 ] || die "TARGETS is empty"
for t in "${TARGET_LIST[@]}"; do
  [[ "$t" == /* ]] || die "target '$t' must start with /"
  [[ "$t" != *[\"\\\$\;\{\}\'\ ]* ]] || die "target '$t' contains a character this script does not quote"
done
read -r -a ENGINE_LIST <<< "$ENGINES"
for e in "${ENGINE_LIST[@]}"; do
  case "$e" in sqlite|postgres) ;; *) die "unknown engine '$e' (sqlite, postgres)" ;; esac
done

# ----------------------------------------------------- processes & cleanup --
WORK="$(mktemp -d "${TMPDIR:-/tmp}/simpul-bench.XXXXXX")"
PIDS=()

stop_pid() {
  # Processes are started with setsid, so pid == process group id; signal the
  # group (catches nginx workers), fall back to the pid alone.
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do          # up to 10 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop after SIGTERM, sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [ "$KEEP_TMP" = 1 ]; then
    log "kept temp dir $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# start_bg LOGFILE CMD...: run CMD in its own session (so its whole process
# group can be signalled), record it for cleanup, set STARTED_PID.
start_bg() {
  local logf="$1"; shift
  setsid "$@" >"$logf" 2>&1 < /dev/null &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}

stop_started() {
  local pid="$1" keep=() p
  stop_pid "$pid"
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

port_in_use() {
  local p="$1"
  if command -v ss >/dev/null 2>&1; then
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . && return 0
  fi
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$p" 2>/dev/null
}

free_port() {
  local i p
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  die "no free loopback port found"
}

# ------------------------------------------------------------------ tools --
ensure_tools() {
  local want=(curl wrk nginx) missing=() cmd pkg
  for cmd in "${want[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  # nginx lives in /usr/sbin, which may not be on a non-root PATH.
  if [[ " ${missing[*]-} " == *" nginx "* ]] && [ -x /usr/sbin/nginx ]; then
    PATH="$PATH:/usr/sbin"
    local keep=(); for pkg in "${missing[@]}"; do [ "$pkg" = nginx ] || keep+=("$pkg"); done
    missing=("${keep[@]+"${keep[@]}"}")
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get"
    log "installing: ${missing[*]}"
    $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive \
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
    for cmd in "${missing[@]}"; do
      command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || die "$cmd still missing after install"
    done
    PATH="$PATH:/usr/sbin"
  fi
}

ensure_binary() {
  if [ ! -x "$SIMPUL_BIN" ]; then
    [ "$SIMPUL_BIN" = "$DEFAULT_BIN" ] || die "SIMPUL_BIN=$SIMPUL_BIN does not exist or is not executable"
    command -v cargo >/dev/null 2>&1 || die "$SIMPUL_BIN missing and cargo not found"
    log "building $SIMPUL_BIN (cargo build --release -p simpul)"
    cargo build --release -p simpul
    [ -x "$SIMPUL_BIN" ] || die "$SIMPUL_BIN still missing after build (CARGO_TARGET_DIR set?)"
  fi
  SIMPUL_BIN="$(cd "$(dirname "$SIMPUL_BIN")" && pwd)/$(basename "$SIMPUL_BIN")"
  log "simpul binary: $SIMPUL_BIN ($(date -r "$SIMPUL_BIN" '+%Y-%m-%d %H:%M'))"
}

# ------------------------------------------------------------- postgres --
pg_ready() { timeout 5 pg_isready -q -d "$PG_URL_BASE/postgres" >/dev/null 2>&1; }

ensure_postgres() {
  command -v psql >/dev/null 2>&1 || die "psql not found (install postgresql-client)"
  if ! pg_ready; then
    [ -d /etc/postgresql ] || die "PostgreSQL not running and /etc/postgresql missing"
    local ver
    ver="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting PostgreSQL $ver/main"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start
    local i
    for ((i = 0; i < 60; i++)); do pg_ready && break; sleep 0.5; done
    pg_ready || die "PostgreSQL did not become ready within 30 s"
  fi
  local q=(env PGOPTIONS="-c client_min_messages=warning" timeout --foreground 60 psql "$PG_URL_BASE/postgres" -X -q -v ON_ERROR_STOP=1)
  log "recreating database $PG_DB"
  "${q[@]}" -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)"
  "${q[@]}" -c "CREATE DATABASE \"$PG_DB\""
}

# ------------------------------------------------------------------- wrk --
# "250.00us" / "1.20ms" / "2.00s" / "1.00m" -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (!match(v, /^[0-9.]+/)) { exit 1 }
    n = substr(v, 1, RLENGTH) + 0; u = substr(v, RLENGTH + 1)
    if (u == "us") f = 0.001; else if (u == "ms") f = 1; else if (u == "s") f = 1000;
    else if (u == "m") f = 60000; else if (u == "h") f = 3600000; else exit 1
    printf "%.3f", n * f }'
}

# parse_wrk FILE -> "rps p50_ms p99_ms"
parse_wrk() {
  local f="$1" rps p50 p99 p50ms p99ms
  rps="$(awk '$1 == "Requests/sec:" { print $2 }' "$f")"
  p50="$(awk '$1 == "50%" { print $2; exit }' "$f")"
  p99="$(awk '$1 == "99%" { print $2; exit }' "$f")"
  if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ]; then
    cat "$f" >&2; die "could not parse wrk output ($f)"
  fi
  p50ms="$(to_ms "$p50")" || die "unknown latency unit in '$p50'"
  p99ms="$(to_ms "$p99")" || die "unknown latency unit in '$p99'"
  printf '%.0f %s %s\n' "$rps" "$p50ms" "$p99ms"
}

declare -A RES_RPS RES_P50 RES_P99 RES_LOAD
RAW_LOGS=()
WARNINGS=()

# run_tracked OUTFILE CMD...: run CMD as a tracked background job and wait for
# it, so INT/TERM traps fire immediately instead of after CMD finishes.
run_tracked() {
  local outf="$1" pid rc=0; shift
  "$@" > "$outf" 2>&1 < /dev/null &
  pid=$!
  PIDS+=("$pid")
  wait "$pid" || rc=$?
  stop_started "$pid"
  [ "$rc" = 0 ] || { cat "$outf" >&2 2>/dev/null || true; die "'$*' failed (exit $rc)"; }
}

# run_wrk TARGET_INDEX SERVER_LABEL URL
run_wrk() {
  local i="$1" label="$2" url="$3" slug out res rps p50 p99 warn
  if [ "$WARMUP_S" -gt 0 ]; then
    log "warm-up  $label $url ($WARMUP)"
    run_tracked /dev/null timeout --kill-after=5 $((WARMUP_S + 60)) \
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url"
  fi
  slug="$(echo "$label" | tr ' ' '-')"
  out="$WORK/wrk-$i-$slug.txt"
  log "measure  $label $url ($DURATION)"
  # The 1-minute load average as the measurement starts: other work on the machine shows here.
  RES_LOAD["$i,$label"]="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
  run_tracked "$out" timeout --kill-after=5 $((DURATION_S + 60)) \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url"
  res="$(parse_wrk "$out")"
  read -r rps p50 p99 <<< "$res"
  # wrk prints these lines only when something went wrong.
  warn="$(grep -E '^ *(Socket errors|Non-2xx or 3xx responses):' "$out" | sed 's/^ *//' | paste -sd ';' - || true)"
  RES_RPS["$i,$label"]="$rps"
  RES_P50["$i,$label"]="$p50"
  RES_P99["$i,$label"]="$p99"
  [ -z "$warn" ] || WARNINGS+=("${TARGET_LIST[$i]} / $label: $warn")
  RAW_LOGS+=("$out")
  log "         -> $rps req/s, p50 $p50 ms, p99 $p99 ms${warn:+ [$warn]}"
}

# --------------------------------------------------------- ceiling bodies --
BODY_DIR="$WORK/ceiling/www"
mkdir -p "$BODY_DIR"
BODIES_READY=0
declare -A BODY_TYPE

# fetch_bodies BASE_URL: save each target's exact bytes and Content-Type.
fetch_bodies() {
  local base="$1" i ct
  for i in "${!TARGET_LIST[@]}"; do
    ct="$(curl -fsS --max-time 30 -o "$BODY_DIR/t$i.b$i" -w '%{content_type}' \
      "$base${TARGET_LIST[$i]}")" || die "fetching $base${TARGET_LIST[$i]} failed"
    BODY_TYPE[$i]="${ct:-application/octet-stream}"
    log "body t$i: ${TARGET_LIST[$i]} -> $(wc -c < "$BODY_DIR/t$i.b$i") bytes, ${BODY_TYPE[$i]}"
  done
  BODIES_READY=1
}

# Dummy bodies for --ceiling-only without SOURCE_URL.
dummy_bodies() {
  local i t n
  for i in "${!TARGET_LIST[@]}"; do
    t="${TARGET_LIST[$i]}"
    if [[ "$t" == /api/* ]]; then
      BODY_TYPE[$i]="application/json"
      {
        printf '{"items":['
        for ((n = 0; n < 20; n++)); do
          [ "$n" = 0 ] || printf ','
          printf '{"code":"35.14.%02d","name":"Dummy region %d","level":"district"}' "$n" "$n"
        done
        printf ']}'
      } > "$BODY_DIR/t$i.b$i"
    else
      BODY_TYPE[$i]="text/html; charset=utf-8"
      {
        printf '<!doctype html><html><head><meta charset="utf-8"><title>dummy %s</title></head><body><ul>\n' "$t"
        for ((n = 0; n < 300; n++)); do
          printf '<li><a href="/regions/35.14.%02d">Dummy region %d</a></li>\n' "$n" "$n"
        done
        printf '</ul></body></html>\n'
      } > "$BODY_DIR/t$i.b$i"
    fi
    log "body t$i: $t -> $(wc -c < "$BODY_DIR/t$i.b$i") bytes (dummy), ${BODY_TYPE[$i]}"
  done
  BODIES_READY=1
}

# ------------------------------------------------------------ nginx ceiling --
run_ceiling() {
  local dir="$WORK/ceiling" port i pid ct
  port="$(free_port)"
  mkdir -p "$dir/tmp" "$dir/logs"
  # When run as root the workers drop to "nobody": make the bodies readable.
  chmod 755 "$WORK" "$dir" "$BODY_DIR"
  chmod 644 "$BODY_DIR"/*
  {
    echo "worker_processes auto;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/logs/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off;"
    echo "  gzip off;"
    echo "  server_tokens off;"
    echo "  sendfile on;"
    echo "  tcp_nopush on;"
    echo "  tcp_nodelay on;"
    echo "  keepalive_timeout 65;"
    echo "  keepalive_requests 1000000;"
    echo "  open_file_cache max=64 inactive=60s;"
    echo "  client_body_temp_path $dir/tmp/client;"
    echo "  proxy_temp_path $dir/tmp/proxy;"
    echo "  fastcgi_temp_path $dir/tmp/fastcgi;"
    echo "  uwsgi_temp_path $dir/tmp/uwsgi;"
    echo "  scgi_temp_path $dir/tmp/scgi;"
    echo "  default_type application/octet-stream;"
    echo "  charset off;"
    # Each body's extension maps to the Content-Type simpul sent for it.
    echo "  types {"
    for i in "${!TARGET_LIST[@]}"; do echo "    \"${BODY_TYPE[$i]}\" b$i;"; done
    echo "  }"
    # Map the exact request URI (path + query) to its body file.
    echo "  map \$request_uri \$bench_file {"
    echo "    default __none__;"
    for i in "${!TARGET_LIST[@]}"; do echo "    \"${TARGET_LIST[$i]}\" t$i.b$i;"; done
    echo "  }"
    echo "  server {"
    echo "    listen $HOST:$port;"
    echo "    root $BODY_DIR;"
    echo "    location / { try_files /\$bench_file =404; }"
    echo "  }"
    echo "}"
  } > "$dir/nginx.conf"

  local ngx=(nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" -g "daemon off;")
  "${ngx[@]}" -t -q 2>"$dir/logs/configtest.log" || { cat "$dir/logs/configtest.log" "$dir/nginx.conf" >&2; die "nginx config test failed"; }
  log "starting nginx ceiling on $HOST:$port"
  start_bg "$dir/logs/stdout.log" "${ngx[@]}"
  pid="$STARTED_PID"

  local ok=0
  for ((i = 0; i < 100; i++)); do              # up to ~10 s
    kill -0 "$pid" 2>/dev/null || { cat "$dir/logs/"*.log >&2; die "nginx exited"; }
    if curl -fsS --max-time 2 -o /dev/null "http://$HOST:$port${TARGET_LIST[0]}" 2>/dev/null; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || { cat "$dir/logs/"*.log >&2; die "nginx did not answer within 10 s"; }

  # The ceiling must serve byte-identical bodies with the same Content-Type.
  for i in "${!TARGET_LIST[@]}"; do
    ct="$(curl -fsS --max-time 10 -o "$dir/check.$i" -w '%{content_type}' "http://$HOST:$port${TARGET_LIST[$i]}")"
    cmp -s "$dir/check.$i" "$BODY_DIR/t$i.b$i" || die "nginx body for ${TARGET_LIST[$i]} differs from the fetched one"
    [ "$ct" = "${BODY_TYPE[$i]}" ] || die "nginx Content-Type for ${TARGET_LIST[$i]} is '$ct', expected '${BODY_TYPE[$i]}'"
  done
  log "nginx serves all ${#TARGET_LIST[@]} bodies byte-identical with matching Content-Type"

  for i in "${!TARGET_LIST[@]}"; do
    run_wrk "$i" "nginx static" "http://$HOST:$port${TARGET_LIST[$i]}"
  done
  stop_started "$pid"
}

# ---------------------------------------------------------------- simpul --
run_simpul() {
  local engine="$1" port pid i args code
  local dir="$WORK/simpul-$engine"
  mkdir -p "$dir/data"
  port="$(free_port)"
  args=(serve --demo --listen "$HOST:$port" --data-dir "$dir/data")
  if [ "$engine" = postgres ]; then
    ensure_postgres
    args+=(--database-url "$PG_URL_BASE/$PG_DB")
  fi
  log "starting simpul ($engine): simpul ${args[*]}"
  start_bg "$dir/simpul.log" "$SIMPUL_BIN" "${args[@]}"
  pid="$STARTED_PID"

  local started=$SECONDS deadline=$((SECONDS + HEALTH_TIMEOUT)) ok=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 50 "$dir/simpul.log" >&2; die "simpul ($engine) exited during start-up"
    fi
    if curl -fsS --max-time 2 -o /dev/null "http://$HOST:$port/healthz" 2>/dev/null; then ok=1; break; fi
    sleep 0.5
  done
  if [ "$ok" != 1 ]; then
    tail -n 50 "$dir/simpul.log" >&2; die "simpul ($engine) not healthy after ${HEALTH_TIMEOUT} s"
  fi
  log "simpul ($engine) healthy after ~$((SECONDS - started)) s"

  # A benchmark of 404s/500s is meaningless: insist on 200 for every target.
  for i in "${!TARGET_LIST[@]}"; do
    code="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' "http://$HOST:$port${TARGET_LIST[$i]}" || true)"
    [ "$code" = 200 ] || { tail -n 20 "$dir/simpul.log" >&2; die "simpul ($engine) answered $code for ${TARGET_LIST[$i]}"; }
  done
  [ "$BODIES_READY" = 1 ] || fetch_bodies "http://$HOST:$port"

  for i in "${!TARGET_LIST[@]}"; do
    run_wrk "$i" "simpul $engine" "http://$HOST:$port${TARGET_LIST[$i]}"
  done
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 50 "$dir/simpul.log" >&2; die "simpul ($engine) died during the benchmark"
  fi
  stop_started "$pid"
}

# ---------------------------------------------------------------- report --
report() {
  local cpu mem when commit i label labels=() w f
  cpu="$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
  mem="$(free -h 2>/dev/null | awk '/^Mem:/ { print $2 }' || true)"
  when="$(date '+%Y-%m-%d %H:%M:%S %Z')"
  commit="$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo none)"
  if [ -n "$(git -C "$REPO_DIR" status --porcelain 2>/dev/null | head -n 1)" ]; then commit="$commit (dirty)"; fi

  labels=("nginx static")
  if [ "$CEILING_ONLY" = 0 ]; then
    for e in "${ENGINE_LIST[@]}"; do labels+=("simpul $e"); done
  fi

  echo "# Simpul HTTP benchmark"
  echo
  echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}, ${mem:-?} RAM; $when"
  echo "Commit: $commit; $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }'); $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  [ "$CEILING_ONLY" = 0 ] || echo "Mode: --ceiling-only (${SOURCE_URL:-dummy bodies})"
  echo
  echo "Command: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency <url>\`" \
       "(after a \`wrk -t$THREADS -c$CONNECTIONS -d$WARMUP <url>\` warm-up); wrk and the server share this machine."
  echo
  echo "| target | server | req/s | p50 ms | p99 ms | share of nginx | load at start |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  local ceiling share
  for i in "${!TARGET_LIST[@]}"; do
    ceiling="${RES_RPS["$i,nginx static"]-}"
    for label in "${labels[@]}"; do
      [ -n "${RES_RPS["$i,$label"]+x}" ] || continue
      share="-"
      if [ -n "$ceiling" ] && [ "$ceiling" -gt 0 ]; then
        share="$(awk -v a="${RES_RPS["$i,$label"]}" -v b="$ceiling" 'BEGIN { printf "%.2f×", a / b }')"
      fi
      printf '| `%s` | %s | %s | %s | %s | %s | %s |\n' "${TARGET_LIST[$i]}" "$label" \
        "${RES_RPS["$i,$label"]}" "${RES_P50["$i,$label"]}" "${RES_P99["$i,$label"]}" \
        "$share" "${RES_LOAD["$i,$label"]}"
    done
  done
  if [ "${#WARNINGS[@]}" -gt 0 ]; then
    echo
    echo "**wrk reported errors** (numbers above include them):"
    for w in "${WARNINGS[@]}"; do echo "- $w"; done
  fi
  echo
  echo "<details><summary>Raw wrk output</summary>"
  echo
  for f in "${RAW_LOGS[@]}"; do
    echo '```'
    cat "$f"
    echo '```'
  done
  echo "</details>"
}

# ------------------------------------------------------------------ main --
STAMP="$(date +%Y-%m-%d-%H%M%S)"
OUT_DIR="$BENCH_DIR/out"
OUT_FILE="$OUT_DIR/http-$STAMP.md"
[ "$CEILING_ONLY" = 0 ] || OUT_FILE="$OUT_DIR/http-$STAMP-ceiling-only.md"

ensure_tools

if [ "$CEILING_ONLY" = 1 ]; then
  if [ -n "$SOURCE_URL" ]; then
    [[ "$SOURCE_URL" =~ ^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?$ ]] \
      || die "SOURCE_URL must be a loopback base URL like http://127.0.0.1:8080"
    fetch_bodies "$SOURCE_URL"
  else
    dummy_bodies
  fi
else
  ensure_binary
  for e in "${ENGINE_LIST[@]}"; do run_simpul "$e"; done
fi
run_ceiling

mkdir -p "$OUT_DIR"
report > "$OUT_FILE"
# Print everything but the raw-output block.
sed '/^<details>/,$d' "$OUT_FILE"
log "written $OUT_FILE"
