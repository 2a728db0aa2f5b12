#!/usr/bin/env bash
# Hoax matching evaluation (issue 12): Simpul's matcher beside a plain BM25 baseline (rank_bm25's
# BM25Okapi with PySastrawi stemming) on the development set and every held-out set, then the
# agreement of the Rust `sastrawi` stemmer with PySastrawi on a committed word list.
#
#   scripts/hoax-eval.sh              figures and stemmer agreement
#   scripts/hoax-eval.sh --wordlist   rebuild scripts/hoax_stem_words.txt first
#
# A measurement, not a test: not part of scripts/test.sh. Needs python3 (with venv) and PyPI
# for the first run; the virtualenv is kept in ~/.cache/simpul/hoax-venv. Debug build of the
# simpul-core example (the figures do not depend on the build profile).
set -euo pipefail
cd "$(dirname "$0")/.."

HOAX=crates/core/src/hoax
VENV="${HOME}/.cache/simpul/hoax-venv"
OUT="${HOAX_EVAL_OUT:-target/hoax-eval}"
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! cmp -s scripts/hoax_baseline.requirements.txt "$VENV/requirements.txt"; then
  "$VENV/bin/pip" install --quiet -r scripts/hoax_baseline.requirements.txt
  cp scripts/hoax_baseline.requirements.txt "$VENV/requirements.txt"
fi
PY="$VENV/bin/python"

if [ "${1:-}" = "--wordlist" ]; then
  "$PY" scripts/hoax_baseline.py wordlist "$HOAX/devset.tsv" "$HOAX/heldout.tsv" \
    "$HOAX/lexicon.tsv" "$HOAX/slang.tsv" scripts/hoax_affixed_words.txt \
    > scripts/hoax_stem_words.txt
  echo "wrote scripts/hoax_stem_words.txt ($(grep -vc '^#' scripts/hoax_stem_words.txt) words)"
fi

cargo build --quiet -p simpul-core --example hoax_eval
EXAMPLE=target/debug/examples/hoax_eval

echo "== Matching: Simpul vs BM25 baseline"
"$EXAMPLE" > "$OUT/simpul.json" 2> "$OUT/simpul-failures.txt"
# Every held-out set, in the order written (heldout.tsv, heldout2.tsv, ..., heldout10.tsv).
mapfile -t HELD < <(ls "$HOAX"/heldout*.tsv | sort -V)
"$PY" scripts/hoax_baseline.py compare "$OUT/simpul.json" "$HOAX/devset.tsv" "${HELD[@]}" \
  --json "$OUT/figures.json"
echo "(Simpul's queued variants and any false answers: $OUT/simpul-failures.txt)"

echo
echo "== Stemming: Rust sastrawi (as Simpul calls it) vs PySastrawi"
grep -v '^#' scripts/hoax_stem_words.txt | "$EXAMPLE" stem > "$OUT/rust-stems.tsv"
"$PY" scripts/hoax_baseline.py stems scripts/hoax_stem_words.txt "$OUT/rust-stems.tsv" \
  scripts/hoax_affixed_words.txt
