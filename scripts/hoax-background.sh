#!/usr/bin/env bash
# Rebuild crates/core/src/hoax/background.tsv: how many sentences of general Indonesian text
# contain each normalised word, for the hoax matcher's word weights (see `background` in
# crates/core/src/hoax/matcher.rs).
#
# The text is the tagged corpus of nlp-id (kumparan's Indonesian NLP toolkit, MIT licence, kept in
# crates/core/src/hoax/background.LICENSE; about
# 31,000 sentences of news), fetched from PyPI (the wheel is unpacked, not installed). Each
# sentence goes through Simpul's own normaliser (`hoax_eval words`), so the table speaks the
# matcher's words; rerun after large normaliser changes (a stale table is still a fair weight).
# Only words in at least two sentences are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
# Only the wheel's data file is needed: the wheel is downloaded and unpacked, not installed.
WHEELS="${HOME}/.cache/simpul/nlp-id"
mkdir -p "$WHEELS"
python3 -m pip download --quiet --no-deps nlp-id==0.1.23.0 -d "$WHEELS"
DATA="$WHEELS/dataset_postag.txt"
python3 -m zipfile -e "$WHEELS"/nlp_id-0.1.23.0-py3-none-any.whl "$WHEELS/unpacked"
cp "$WHEELS/unpacked/nlp_id/data/dataset_postag.txt" "$DATA"
cargo build --quiet --release -p simpul-core --example hoax_eval
OUT=crates/core/src/hoax/background.tsv
python3 - "$DATA" <<'PY' | target/release/examples/hoax_eval words | python3 -c '
import collections, sys
df = collections.Counter(); docs = 0
for line in sys.stdin:
    words = set(line.rstrip("\n").split("\t")[-1].split())
    if words:
        docs += 1
        df.update(words)
print("# Sentences of general Indonesian text (news) holding each normalised word, for the hoax")
print("# matcher'"'"'s word weights; written by scripts/hoax-background.sh, words in two or more only.")
print("# Derived from dataset_postag.txt of nlp-id 0.1.23.0 (https://pypi.org/project/nlp-id/),")
print("# MIT License, Copyright (c) 2025 kumparan.com: the licence is background.LICENSE beside this file.")
print(f"# documents\t{docs}")
for word, n in sorted(df.items(), key=lambda x: (-x[1], x[0])):
    if n >= 2:
        print(f"{word}\t{n}")
' > "$OUT.new"
import sys
sentence = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line:
        if sentence:
            print(" ".join(sentence))
            sentence = []
        continue
    sentence.append(line.split("\t")[0])
if sentence:
    print(" ".join(sentence))
PY
mv "$OUT.new" "$OUT"
echo "wrote $OUT ($(grep -vc '^#' "$OUT") words)"
