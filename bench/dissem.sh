#!/usr/bin/env bash
# Dissemination benchmark (issue 13) on SQLite and PostgreSQL: national KIMs and 1,000,000
# dissemination reports in East Java over a year; the reach dashboard (page and API) of East
# Java's provincial admin under wrk; then the dissem_bench example (publishing a package to all
# East Java KIMs, overlap detection over 10,000 programs). Prints a markdown table;
# bench/out/dissem-<date>.md keeps it.
#
#   bench/dissem.sh                               # the issue's sizes
#   KIMS=800 REPORTS=10000 DURATION=3s bench/dissem.sh   # a small run
set -euo pipefail
cd "$(dirname "$0")/.."
KIMS="${KIMS:-80000}"
REPORTS="${REPORTS:-1000000}"
. bench/lib.sh
[ -x "$EXAMPLES/dissem_bench" ] || cargo build --release -p simpul --examples
OUT="bench/out/dissem-$(date -u +%Y-%m-%d-%H%M%S).md"
{
  header "Dissemination benchmark: $KIMS KIMs, $REPORTS reports in East Java"
  echo "| engine | what | result |"
  echo "|---|---|---|"
} > "$OUT"
row() { echo "| $1 | $2 | $3 |" | tee -a "$OUT" >&2; }

for engine in $ENGINES; do
  db_args "$engine" dissem_bench
  log "$engine: generating $KIMS KIMs and $REPORTS reports"
  t=$(now)
  gen="$("$BIN" generate --scale national --kims "$KIMS" --dissem-reports "$REPORTS" "${DB_ARGS[@]}" 2>/dev/null | paste -sd ' ' -)"
  row "$engine" "generate (KIMs, then packages and reports)" "$gen (total $(since "$t"))"
  create_admin bench.jatim provincial_admin 35
  start_server "$WORK/$engine-serve.log"
  session="$(login bench.jatim)"
  token="$(api_token bench.jatim)"
  [ -n "$session" ] || { echo "login failed" >&2; exit 1; }
  expect_200 /dissem/reach -H "Cookie: simpul_session=$session"
  expect_200 /api/v1/dissem/reach -H "Authorization: Bearer $token"
  # One request's time with the server idle, then under load.
  one="$(curl -fsS -o /dev/null -w '%{time_total}' -H "Cookie: simpul_session=$session" "$BASE/dissem/reach")"
  row "$engine" "\`GET /dissem/reach\` once, idle" "$(python3 -c "print(f'{$one * 1000:.0f} ms')")"
  read -r rps p50 p99 err <<<"$(wrk_run "$BASE/dissem/reach" -H "Cookie: simpul_session=$session")"
  row "$engine" "\`GET /dissem/reach\` (page, East Java's admin)" "$(cell "$rps" "$p50" "$p99" "$err")"
  read -r rps p50 p99 err <<<"$(wrk_run "$BASE/api/v1/dissem/reach" -H "Authorization: Bearer $token")"
  row "$engine" "\`GET /api/v1/dissem/reach\`" "$(cell "$rps" "$p50" "$p99" "$err")"
  stop_server
  log "$engine: dissem_bench (publish to every East Java KIM, overlaps)"
  "$EXAMPLES/dissem_bench" "$DB_URL" 2>"$WORK/$engine-dissem-bench.err" | while IFS= read -r line; do
    row "$engine" "dissem_bench" "$line"
  done
done
cat "$OUT"
echo "written $OUT" >&2
