#!/usr/bin/env bash
# Registry benchmark at national scale: generate 80,000 KIMs / ~600,000 members on SQLite and
# PostgreSQL, then drive the directory, its API and provincial statistics with wrk, and time a
# 10,000-row import. Prints a markdown table; bench/out/registry-<date>.md keeps it.
#
#   bench/registry.sh            # DURATION=10s by default
#   ONLY_HTTP=1 bench/registry.sh   # the wrk targets only (no import, backup or restore)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
BIN="${SIMPUL_BIN:-target/release/simpul}"
PG_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
[ -x "$BIN" ] || cargo build --release -p simpul
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
WORK="$(mktemp -d /tmp/simpul-registry-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
mkdir -p bench/out
OUT="bench/out/registry-$(date -u +%Y-%m-%d-%H%M%S).md"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A 10,000-row import file over East Java's villages (codes from the embedded region data).
python3 - "$WORK/import.csv" <<'PY'
import csv, gzip, random, sys
random.seed(7)
villages = [r[0] for r in csv.reader(gzip.open("data/regions/villages.csv.gz", "rt")) if r[0].startswith("35.")]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["nama_kim", "kode_desa", "telepon", "topik"])
    for i in range(10_000):
        w.writerow([f"KIM Impor Uji {i}", random.choice(villages), f"0812{random.randrange(10**7, 10**8)}", "health"])
PY

wrk_line() { # url token -> "rps p50 p99"
  local out
  out="$(wrk -t2 -c64 -d"$DURATION" --latency -H "Authorization: Bearer $2" "$1")"
  local rps p50 p99
  rps="$(awk '/Requests\/sec/ {print int($2)}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  echo "$rps $p50 $p99"
}

{
  echo "# Registry benchmark (national scale)"
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -h | awk '/Mem:/ {print $2}') RAM; $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)"
  echo
  echo "wrk -t2 -c64 -d$DURATION --latency (wrk and the server share the machine)"
  echo
  echo "| engine | what | result |"
  echo "|---|---|---|"
} > "$OUT"

for engine in sqlite postgres; do
  dir="$WORK/$engine"; mkdir -p "$dir"
  db_args=(--data-dir "$dir")
  if [ "$engine" = postgres ]; then
    psql "$PG_BASE/postgres" -qXc "DROP DATABASE IF EXISTS simpul_registry_bench WITH (FORCE)" -c "CREATE DATABASE simpul_registry_bench" >/dev/null
    db_args+=(--database-url "$PG_BASE/simpul_registry_bench")
  fi
  gen="$("$BIN" generate --scale national "${db_args[@]}" 2>/dev/null | tail -n1)"
  echo "| $engine | generate national | $gen |" >> "$OUT"
  SIMPUL_ADMIN_PASSWORD=bench-admin-password "$BIN" create-admin "${db_args[@]}" --username bench.admin --display-name Bench >/dev/null
  port="$(free_port)"
  "$BIN" serve "${db_args[@]}" --listen "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  token="$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'content-type: application/json' \
    -d '{"username":"bench.admin","password":"bench-admin-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  for target in "/kim?q=maju" "/kim?q=pasuruan" "/kim?region=35.14" "/api/v1/kims?q=maju" "/api/v1/kims?q=prigen" "/api/v1/kims?q=xyzzy" "/api/v1/kims?region=35.14" "/api/v1/kims/stats?region=35"; do
    url="http://127.0.0.1:$port$target"
    wrk -t2 -c64 -d3s -H "Authorization: Bearer $token" "$url" >/dev/null
    read -r rps p50 p99 <<<"$(wrk_line "$url" "$token")"
    echo "| $engine | \`GET $target\` | $rps req/s, p50 $p50, p99 $p99 |" >> "$OUT"
  done
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
  [ -n "${ONLY_HTTP:-}" ] && continue
  start=$(date +%s.%N)
  "$BIN" import-kims "${db_args[@]}" "$WORK/import.csv" --as bench.admin --commit >/dev/null
  secs=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
  echo "| $engine | import 10,000-row CSV (check + commit, CLI) | $secs s |" >> "$OUT"
  # Backup of the whole national dataset, and its restore into a fresh data dir / database.
  start=$(date +%s.%N)
  "$BIN" backup "${db_args[@]}" --to "$WORK/$engine-backup.tar.gz" >/dev/null
  secs=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
  size=$(du -h "$WORK/$engine-backup.tar.gz" | cut -f1)
  echo "| $engine | \`simpul backup\` (national dataset) | $secs s, $size |" >> "$OUT"
  restore_args=(--data-dir "$WORK/$engine-restored")
  if [ "$engine" = postgres ]; then
    psql "$PG_BASE/postgres" -qXc "DROP DATABASE IF EXISTS simpul_registry_restore WITH (FORCE)" -c "CREATE DATABASE simpul_registry_restore" >/dev/null
    restore_args+=(--database-url "$PG_BASE/simpul_registry_restore")
  fi
  start=$(date +%s.%N)
  "$BIN" restore "${restore_args[@]}" --from "$WORK/$engine-backup.tar.gz" >/dev/null
  secs=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
  echo "| $engine | \`simpul restore\` (checked against the manifest) | $secs s |" >> "$OUT"
done
cat "$OUT"
