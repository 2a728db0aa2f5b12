#!/usr/bin/env bash
# Portal benchmark (issue 15) on SQLite and PostgreSQL: national KIMs and 1,000,000 published
# posts over a year; wrk at 64 connections against the portal home, a region page and a search.
# Home and region page are measured as anonymous visitors see them (the render cache) and
# uncached; the cached ones are compared with nginx serving the same bytes in the same run
# (bench/http.sh --ceiling-only with SOURCE_URL). Search is always uncached: every request
# asks another pair of words (a wrk Lua script) and carries an Authorization header, which the
# public cache never serves. Prints a markdown table; bench/out/portal-<date>.md keeps it.
#
#   bench/portal.sh                                     # the issue's sizes
#   KIMS=800 POSTS=10000 DURATION=3s bench/portal.sh    # a small run
#   SQLITE_DATA_DIR=DIR PG_DATABASE_URL=URL [PG_DATA_DIR=DIR] bench/portal.sh   # generated before
#     (simpul generate --scale national --kims 80000 --posts 1000000 --data-dir DIR [--database-url URL])
set -euo pipefail
cd "$(dirname "$0")/.."
KIMS="${KIMS:-80000}"
POSTS="${POSTS:-1000000}"
REGION="${REGION:-35.14}"
. bench/lib.sh
OUT="bench/out/portal-$(date -u +%Y-%m-%d-%H%M%S).md"
HOME_PAGE="/portal"
REGION_PAGE="/portal?region=$REGION"
NO_CACHE=(-H "Authorization: Bearer bench-bypasses-the-public-cache")

cat > "$WORK/search.lua" <<'LUA'
-- A different pair of words (from what KIMs write about) on every request.
local words = {"posyandu", "panen", "batik", "kopi", "wisata", "keripik", "stunting", "sampah",
  "madu", "tenun", "festival", "pelatihan", "mangrove", "jamu", "salak", "telaga", "gerabah",
  "donor", "kelompok", "tani", "pemuda", "pasar", "umkm", "budaya", "gotong", "royong",
  "pengajian", "lansia", "ternak", "musala", "homestay", "pantai", "gula", "aren", "anyaman",
  "bambu", "tempe", "ikan", "jalan", "karnaval"}
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  local a = words[math.random(#words)]
  local b = words[math.random(#words)]
  return wrk.format("GET", "/portal?q=" .. a .. "+" .. b)
end
LUA

{
  header "Portal benchmark: $KIMS KIMs, $POSTS published posts"
  echo "| engine | target | req/s | p50 ms | p99 ms | share of nginx | wrk errors |"
  echo "|---|---|---:|---:|---:|---:|---|"
} > "$OUT"
declare -A NGINX=()
CEILING_DONE=0
row() { echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 |" | tee -a "$OUT" >&2; }
share() { [ -n "${NGINX[$1]:-}" ] && python3 -c "print(f'{$2 / ${NGINX[$1]}:.2f}×')" || echo -; }
NOTES=()

for engine in $ENGINES; do
  if [ "$engine" = sqlite ] && [ -n "${SQLITE_DATA_DIR:-}" ]; then
    # A database generated earlier (`simpul generate ... --data-dir DIR`), measured as it is.
    DB_ARGS=(--data-dir "$SQLITE_DATA_DIR")
    NOTES+=("sqlite: the database generated earlier in $SQLITE_DATA_DIR ($(du -sh "$SQLITE_DATA_DIR" | cut -f1))")
  elif [ "$engine" = postgres ] && [ -n "${PG_DATABASE_URL:-}" ]; then
    # Its files directory (the secret key) as generated, if given.
    DB_ARGS=(--data-dir "${PG_DATA_DIR:-$WORK/postgres-files}" --database-url "$PG_DATABASE_URL")
    mkdir -p "${DB_ARGS[1]}"
    NOTES+=("postgres: the database generated earlier at $PG_DATABASE_URL")
  else
    db_args "$engine" portal_bench
    log "$engine: generating $KIMS KIMs and $POSTS posts"
    t=$(now)
    gen="$("$BIN" generate --scale national --kims "$KIMS" --posts "$POSTS" "${DB_ARGS[@]}" 2>/dev/null | paste -sd ' ' -)"
    NOTES+=("$engine: $gen (total $(since "$t"))")
  fi
  start_server "$WORK/$engine-serve.log"
  for p in "$HOME_PAGE" "$REGION_PAGE" "/portal?q=kopi+robusta"; do expect_200 "$p"; done
  one="$(curl -fsS -o /dev/null -w '%{time_total}' "${NO_CACHE[@]}" "$BASE/portal?q=keripik+singkong")"
  NOTES+=("$engine: one uncached search with the server idle: $(python3 -c "print(f'{$one * 1000:.0f} ms')")")
  if [ "$CEILING_DONE" = 0 ]; then
    CEILING_DONE=1
    # nginx serving the bytes this server sends for the cached pages, measured now (simpul idle).
    log "nginx ceiling with the bytes of $BASE"
    SOURCE_URL="$BASE" TARGETS="$HOME_PAGE $REGION_PAGE" DURATION="$DURATION" WARMUP="$WARMUP" \
      CONNECTIONS="$CONNECTIONS" THREADS="$THREADS" bench/http.sh --ceiling-only > "$WORK/ceiling.md"
    while IFS='|' read -r _ target server rps p50 p99 _; do
      target="$(echo "$target" | tr -d ' `')"
      [[ "$server" == *nginx* ]] || continue
      NGINX[$target]="$(echo "$rps" | tr -d ' ')"
      row nginx "\`$target\` (same bytes)" "${NGINX[$target]}" "$(echo "$p50" | tr -d ' ')" "$(echo "$p99" | tr -d ' ')" "1.00×" -
    done < <(grep '^| `' "$WORK/ceiling.md")
  fi
  for p in "$HOME_PAGE" "$REGION_PAGE"; do
    read -r rps p50 p99 err <<<"$(wrk_run "$BASE$p")"
    row "$engine" "\`$p\` cached" "$rps" "$p50" "$p99" "$(share "$p" "$rps")" "$err"
    read -r rps p50 p99 err <<<"$(wrk_run "$BASE$p" "${NO_CACHE[@]}")"
    row "$engine" "\`$p\` uncached" "$rps" "$p50" "$p99" - "$err"
  done
  read -r rps p50 p99 err <<<"$(wrk_run "$BASE/" -s "$WORK/search.lua" "${NO_CACHE[@]}")"
  row "$engine" "\`/portal?q=<two words>\` uncached, a new pair each request" "$rps" "$p50" "$p99" - "$err"
  stop_server
done
{ echo; for n in "${NOTES[@]}"; do echo "- $n"; done; } >> "$OUT"
cat "$OUT"
echo "written $OUT" >&2
