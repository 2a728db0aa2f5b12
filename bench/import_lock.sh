#!/usr/bin/env bash
# How long a 10,000-row KIM import keeps SQLite's only write lock (issue 9). Starts
# `simpul serve --demo` on SQLite, commits a 10,000-row CSV over Kabupaten Pasuruan's villages as
# a background job, and meanwhile runs a loop of small write transactions (BEGIN IMMEDIATE, one
# INSERT, COMMIT; 5 ms apart) on the same database file from another process. The longest of
# those waits is how long the import held the write lock at a stretch.
#
#   bench/import_lock.sh                               # target/debug/simpul
#   SIMPUL_BIN=/path/to/other/simpul bench/import_lock.sh
#   SERVE_ARGS="--job-lease-secs 2" bench/import_lock.sh   # a short lease must survive the import
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SIMPUL_BIN:-target/debug/simpul}"
ROWS="${ROWS:-10000}"
WORK="$(mktemp -d /tmp/simpul-import-lock.XXXXXX)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# shellcheck disable=SC2086 # SERVE_ARGS: several words on purpose
"$BIN" serve --demo ${SERVE_ARGS:-} --listen "127.0.0.1:$PORT" --data-dir "$WORK" --secret-key import-lock-bench-0123456789 \
  >"$WORK/server.log" 2>&1 &
PID=$!
python3 - "$PORT" "$WORK/simpul.db" "$ROWS" <<'PY'
import csv, gzip, json, sqlite3, sys, threading, time, urllib.request
port, db, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
for _ in range(600):
    try:
        if urllib.request.urlopen(base + "/healthz").status == 200:
            break
    except Exception:
        time.sleep(0.2)
def call(path, body=None, token=None, ctype="application/json"):
    req = urllib.request.Request(base + path, data=body, method="POST" if body is not None else "GET")
    req.add_header("Content-Type", ctype)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    return json.load(urllib.request.urlopen(req))
token = call("/api/v1/auth/token", json.dumps({"username": "kominfo.kab-pasuruan", "password": "simpul-demo-2026"}).encode())["token"]
villages = [r[0] for r in csv.reader(gzip.open("data/regions/villages.csv.gz", "rt")) if r[0].startswith("35.14.")]
lines = ["nama_kim,kode_desa,topik"] + [f"KIM Kunci Uji {i},{villages[i % len(villages)]},health" for i in range(rows)]
probe = sqlite3.connect(db, timeout=60, isolation_level=None, check_same_thread=False)
probe.execute("CREATE TABLE IF NOT EXISTS bench_probe (at REAL)")
waits, stages, done = [], [], threading.Event()
def writer():
    while not done.is_set():
        t = time.monotonic()
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("INSERT INTO bench_probe VALUES (?)", (t,))
        probe.execute("COMMIT")
        waits.append((time.monotonic() - t, t))
        time.sleep(0.005)
w = threading.Thread(target=writer)
w.start()
t0 = time.monotonic()
job = call("/api/v1/kims/import?filename=kim.csv&commit=true&background=true", "\n".join(lines).encode(), token, "text/csv")["job_id"]
while True:
    j = call(f"/api/v1/jobs/{job}", token=token)
    stages.append((time.monotonic(), j["stage"]))
    if j["status"] in ("done", "failed", "dead"):
        break
    time.sleep(0.1)
total = time.monotonic() - t0
done.set(); w.join()
assert j["status"] == "done", j
written = j["result"]["written"]
ws = sorted(x for x, _ in waits)
pct = lambda p: ws[min(len(ws) - 1, len(ws) * p // 100)]
print(f"{written} rows imported (check + commit) in {total:.1f} s; {len(ws)} small writes meanwhile: "
      f"p50 {pct(50)*1000:.0f} ms, p99 {pct(99)*1000:.0f} ms, longest {ws[-1]*1000:.0f} ms")
PY
# The job kept its lease throughout: no other attempt, no lease lost.
grep -E "lease lost|job will be retried" "$WORK/server.log" || echo "lease kept: no lease lost, no retry"
