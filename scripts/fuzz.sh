#!/usr/bin/env bash
# Fuzz simpul-core's parsers of outside input (fuzz/fuzz_targets/*.rs) with cargo-fuzz and
# libFuzzer, on the stable toolchain: installs cargo-fuzz if missing, builds every target once,
# then runs each for FUZZ_SECONDS (default 15), FUZZ_JOBS targets at a time (default: all cores).
# Fails if any target finds a crash, a broken property (an assert), a timeout or a leak of memory.
#
#   scripts/fuzz.sh                      all targets
#   FUZZ_SECONDS=300 scripts/fuzz.sh phone sheet_csv
#
# Crashing inputs land in fuzz/artifacts/<target>/; reproduce one with
#   cargo fuzz run --sanitizer none <target> fuzz/artifacts/<target>/<file>
# New interesting inputs accumulate in fuzz/corpus/<target>/ (git-ignored except seed-*).
#
# --sanitizer none is what makes stable work: AddressSanitizer needs nightly's -Zsanitizer, and
# simpul-core forbids unsafe code, so what ASan would catch cannot happen in it anyway. If a
# future cargo-fuzz refuses to run on stable, RUSTC_BOOTSTRAP=1 lets stable accept its -Z flags.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
seconds=${FUZZ_SECONDS:-15}
jobs=${FUZZ_JOBS:-$(nproc)}
flags=(--sanitizer none --target-dir fuzz/target)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "-- installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

echo "-- building ${#targets[@]} fuzz targets"
cargo fuzz build "${flags[@]}"
built=$(date +%s)

logs=fuzz/target/logs
mkdir -p "$logs"
rm -f "$logs"/*.failed
run_one() {
  local target=$1
  mkdir -p "fuzz/corpus/$target"
  # -timeout: one input taking 10 s is a denial of service, not a slow machine.
  if cargo fuzz run "${flags[@]}" "$target" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$logs/$target.log" 2>&1; then
    local runs
    runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$logs/$target.log" | grep -o '[0-9]*$' || echo "?")
    echo "   ok   $target: $runs inputs in ${seconds} s"
  else
    touch "$logs/$target.failed"
    echo "   FAIL $target (log: $logs/$target.log)"
    tail -n 40 "$logs/$target.log" | sed 's/^/        /'
    return 1
  fi
}

echo "-- running each target for ${seconds} s, ${jobs} at a time"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n || true
  done
  run_one "$target" &
done
wait
failed=()
for target in "${targets[@]}"; do
  if [ -e "$logs/$target.failed" ]; then failed+=("$target"); fi
done

end=$(date +%s)
echo "-- fuzzing took $((end - start)) s (build $((built - start)) s, runs $((end - built)) s)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]}" >&2
  exit 1
fi
