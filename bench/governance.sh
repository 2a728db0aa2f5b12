#!/usr/bin/env bash
# Governance benchmark (issue 16) on SQLite and PostgreSQL: national KIMs and a year of their
# generated activity (dissemination reports, posts, alert acknowledgements, aspirations); then
# the gov_bench example (the performance index of every province computed in bulk, computed
# again after a day's new activity, East Java's quarterly report as PDF and XLSX), and wrk on
# the ranking page of East Java's provincial admin. Prints a markdown table;
# bench/out/governance-<date>.md keeps it.
#
#   bench/governance.sh                                  # the issue's sizes
#   KIMS=800 DAYS=365 DURATION=3s bench/governance.sh    # a small run
set -euo pipefail
cd "$(dirname "$0")/.."
KIMS="${KIMS:-80000}"
DAYS="${DAYS:-365}"
REGENCY="${REGENCY:-35.14}"
. bench/lib.sh
[ -x "$EXAMPLES/gov_bench" ] || cargo build --release -p simpul --examples
OUT="bench/out/governance-$(date -u +%Y-%m-%d-%H%M%S).md"
{
  header "Governance benchmark: $KIMS KIMs, $DAYS days of activity"
  echo "| engine | what | result |"
  echo "|---|---|---|"
} > "$OUT"
row() { echo "| $1 | $2 | $3 |" | tee -a "$OUT" >&2; }

for engine in $ENGINES; do
  db_args "$engine" gov_bench
  log "$engine: generating $KIMS KIMs and $DAYS days of activity"
  t=$(now)
  gen="$("$BIN" generate --scale national --kims "$KIMS" --activity-days "$DAYS" "${DB_ARGS[@]}" 2>/dev/null | paste -sd ' ' -)"
  row "$engine" "generate (KIMs, then activity)" "$gen (total $(since "$t"))"
  log "$engine: gov_bench"
  "$EXAMPLES/gov_bench" "$DB_URL" 2>"$WORK/$engine-gov-bench.err" | sed "s/^| /| $engine | /" | tee -a "$OUT" >&2 \
    || { cat "$WORK/$engine-gov-bench.err" >&2; exit 1; }
  create_admin bench.jatim provincial_admin 35
  start_server "$WORK/$engine-serve.log"
  session="$(login bench.jatim)"
  [ -n "$session" ] || { echo "login failed" >&2; exit 1; }
  for target in "/governance/rankings?region=35" "/governance/rankings?region=$REGENCY" \
                "/governance/rankings?region=35&page=20" "/governance/rankings?region=35&attention=1"; do
    expect_200 "$target" -H "Cookie: simpul_session=$session"
    read -r rps p50 p99 err <<<"$(wrk_run "$BASE$target" -H "Cookie: simpul_session=$session")"
    row "$engine" "\`GET $target\`" "$(cell "$rps" "$p50" "$p99" "$err")"
  done
  stop_server
done
cat "$OUT"
echo "written $OUT" >&2
