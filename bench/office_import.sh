#!/usr/bin/env bash
# The import of an office's own spreadsheet at 10,000 rows: its headers ("No", "Nama KIM",
# "Desa/Kelurahan", "Kab/Kota", "No HP Ketua", "Tgl SK", ...), villages by name, dates written
# five ways (12/03/2021, 1-5-19, 12 Maret 2021, ISO, Excel serial), topics and statuses in
# Bahasa Indonesia. Times the check (dry run) and the check + commit with the CLI, on SQLite and
# PostgreSQL. Prints a markdown table; bench/out/office-import-<date>.md keeps it.
#
#   bench/office_import.sh         # SIMPUL_BIN=target/release/simpul by default
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SIMPUL_BIN:-target/release/simpul}"
PG_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
ROWS="${ROWS:-10000}"
[ -x "$BIN" ] || cargo build --release -p simpul
WORK="$(mktemp -d /tmp/simpul-office-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p bench/out
OUT="bench/out/office-import-$(date -u +%Y-%m-%d-%H%M%S).md"

python3 - "$WORK/office.csv" "$ROWS" <<'PY'
import csv, gzip, random, sys, collections
random.seed(11)
read = lambda f: list(csv.reader(gzip.open(f"data/regions/{f}.csv.gz", "rt")))[1:]
regencies = {r[0]: r[2] for r in read("regencies") if r[0].startswith("35.")}
districts = {r[0]: (r[1], r[2]) for r in read("districts") if r[0].startswith("35.")}
villages = [r for r in read("villages") if r[0].startswith("35.")]
# Villages whose name is unique in their kecamatan: a name then says which one.
count = collections.Counter((v[1], v[2].lower()) for v in villages)
villages = [v for v in villages if count[(v[1], v[2].lower())] == 1]
months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
def date(i):
    d, m, y = 1 + i % 28, 1 + i % 12, 2010 + i % 14
    return [f"{d:02}/{m:02}/{y}", f"{d}-{m}-{y % 100:02}", f"{d} {months[m - 1]} {y}", f"{y}-{m:02}-{d:02}",
            str((__import__("datetime").date(y, m, d) - __import__("datetime").date(1899, 12, 30)).days)][i % 5]
topics = ["Kesehatan", "Pertanian, UMKM", "Literasi Digital", "Kesehatan dan Pendidikan", "Seni dan Budaya"]
statuses = ["Aktif", "", "Diajukan", "Terverifikasi", "Tidak Aktif"]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(["No", "Nama KIM", "Desa/Kelurahan", "Kecamatan", "Kab/Kota", "Nama Ketua", "No HP Ketua",
                "Persetujuan", "Tgl SK", "Nomor SK", "Tanggal Berdiri", "Bidang", "Status"])
    for i in range(int(sys.argv[2])):
        code, district, name = random.choice(villages)
        regency, kec = districts[district]
        w.writerow([i + 1, f"KIM Kabar {name} {i}", name, kec, regencies[regency], f"Ketua {i}",
                    f"0812-{random.randrange(1000, 9999)}-{random.randrange(1000, 9999)}", "Ya" if i % 2 else "",
                    date(i), f"188/{i}/2020", date(i + 3), topics[i % 5], statuses[i % 5]])
PY

{
  echo "# Office spreadsheet import ($ROWS rows, non-template headers, mixed dates)"
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -h | awk '/Mem:/ {print $2}') RAM; $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD); $(basename "$BIN") binary"
  echo
  echo "| engine | what | result |"
  echo "|---|---|---|"
} > "$OUT"

timed() { local start; start=$(date +%s.%N); "$@" >"$WORK/last.out" 2>&1; python3 -c "print(round($(date +%s.%N) - $start, 1))"; }

for engine in sqlite postgres; do
  dir="$WORK/$engine"; mkdir -p "$dir"
  db_args=(--data-dir "$dir")
  if [ "$engine" = postgres ]; then
    psql "$PG_BASE/postgres" -qXc "DROP DATABASE IF EXISTS simpul_office_bench WITH (FORCE)" -c "CREATE DATABASE simpul_office_bench" >/dev/null
    db_args+=(--database-url "$PG_BASE/simpul_office_bench")
  fi
  "$BIN" import-regions "${db_args[@]}" >/dev/null 2>&1
  SIMPUL_ADMIN_PASSWORD=bench-admin-password "$BIN" create-admin "${db_args[@]}" --username bench.admin --display-name Bench >/dev/null
  secs=$(timed "$BIN" import-kims "${db_args[@]}" "$WORK/office.csv" --as bench.admin)
  summary=$(grep -E '^[0-9]+ rows' "$WORK/last.out" || tail -1 "$WORK/last.out")
  echo "| $engine | check (dry run) | $secs s — $summary |" >> "$OUT"
  secs=$(timed "$BIN" import-kims "${db_args[@]}" "$WORK/office.csv" --as bench.admin --commit)
  written=$(grep -E 'KIMs written' "$WORK/last.out" || tail -1 "$WORK/last.out")
  echo "| $engine | check + commit | $secs s — $written |" >> "$OUT"
done
cat "$OUT"
