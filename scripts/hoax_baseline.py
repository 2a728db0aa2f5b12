#!/usr/bin/env python3
"""The plain BM25 baseline of issue 12, beside Simpul's matcher, and the stemmer agreement check.

Run through scripts/hoax-eval.sh, which makes the virtualenv (pinned rank-bm25 and PySastrawi,
see hoax_baseline.requirements.txt) and gives this script Simpul's figures and stems.

Baseline: rank_bm25's BM25Okapi (k1 = 1.5, b = 0.75, its defaults) over the known claims, each
text lower-cased, split into runs of letters and digits, every token stemmed with PySastrawi; no
stop words, no slang or Javanese/Madurese lexicon, no number or negation check. A message is
answered automatically with its best claim when the best BM25 score is above a threshold. The
threshold is tuned on the development set as the one answering the most variants with zero false
answers (no variant answered with a wrong claim, no near miss answered): the best any single
score threshold can do there, which favours the baseline on that set. The same threshold is then
applied, unchanged, to the held-out set.

Subcommands:
  compare RUST_JSON DEVSET HELDOUT [--json OUT]   the side-by-side table
  stems WORDS RUST_STEMS [AFFIXED]                agreement of Simpul's stems with PySastrawi's
  wordlist DEVSET HELDOUT LEXICON SLANG AFFIXED   the word list for `stems` (to stdout)
"""

import json
import re
import sys

TOKEN = re.compile(r"[a-z0-9]+")


def stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def load_set(path):
    claims, variants, misses = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kind, key, text = line.split("\t", 2)
            {"C": claims, "V": variants, "N": misses}[kind].append((key, text))
    return claims, variants, misses


class Baseline:
    def __init__(self, claims, stem):
        from rank_bm25 import BM25Okapi

        self.cache = {}
        self.stem = stem
        self.keys = [k for k, _ in claims]
        self.bm25 = BM25Okapi([self.tokens(t) for _, t in claims])

    def tokens(self, text):
        out = []
        for w in TOKEN.findall(text.lower()):
            if w not in self.cache:
                self.cache[w] = self.stem.stem(w) or w
            out.append(self.cache[w])
        return out

    def rank(self, text):
        """(key, score) of the claims, best first (ties: file order)."""
        scores = self.bm25.get_scores(self.tokens(text))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [(self.keys[i], float(scores[i])) for i in order]


def baseline_run(path, stem):
    """Per variant: (recall@1, recall@5, top score, top is right); per near miss: top score."""
    claims, variants, misses = load_set(path)
    b = Baseline(claims, stem)
    v_rows = []
    for key, text in variants:
        r = b.rank(text)
        top5 = [k for k, _ in r[:5]]
        v_rows.append((r[0][0] == key, key in top5, r[0][1]))
    m_rows = [b.rank(text)[0][1] for _, text in misses]
    return len(claims), v_rows, m_rows


def tune(v_rows, m_rows):
    """Highest share answered with zero false answers: answer when score > the highest score of
    any message that would be a false answer (a wrong top claim, a near miss)."""
    false_scores = [s for right, _, s in v_rows if not right] + m_rows
    return max(false_scores) if false_scores else 0.0


def apply(claims, v_rows, m_rows, threshold):
    return {
        "claims": claims,
        "variants": len(v_rows),
        "recall_at_1": sum(1 for r1, _, _ in v_rows if r1),
        "recall_at_5": sum(1 for _, r5, _ in v_rows if r5),
        "automatic": sum(1 for r1, _, s in v_rows if r1 and s > threshold),
        "false_automatic": sum(1 for r1, _, s in v_rows if not r1 and s > threshold),
        "misses": len(m_rows),
        "misses_automatic": sum(1 for s in m_rows if s > threshold),
    }


def pct(n, d):
    return f"{n}/{d} ({100.0 * n / d:.0f} %)" if d else "-"


def compare(rust_json, dev, *heldouts, out=None):
    """Every held-out set after the development set, named heldout, heldout2, heldout3, ..."""
    stem = stemmer()
    rust = json.load(open(rust_json, encoding="utf-8"))
    n, v, m = baseline_run(dev, stem)
    threshold = tune(v, m)
    base = {"dev": apply(n, v, m, threshold)}
    false_scores = sorted(([s for right, _, s in v if not right] + m), reverse=True)
    tradeoff = []
    for k in range(1, 6):
        if k < len(false_scores):
            f = apply(n, v, m, false_scores[k])
            tradeoff.append(
                f"{f['false_automatic'] + f['misses_automatic']} false: "
                f"{pct(f['automatic'], f['variants'])}"
            )
    names = []
    for i, path in enumerate(heldouts):
        name = "heldout" if i == 0 else f"heldout{i + 1}"
        names.append(name)
        n, v, m = baseline_run(path, stem)
        base[name] = apply(n, v, m, threshold)
    print(
        f"BM25 baseline threshold (tuned on the development set, zero false answers there): "
        f"answer when the best score > {threshold:.3f}"
    )
    print(
        "For context, the same baseline on the development set with lower thresholds "
        "(answered when some false answers are accepted): " + "; ".join(tradeoff)
    )
    rows = [
        ("claims", lambda f: str(f["claims"])),
        ("variants", lambda f: str(f["variants"])),
        ("near misses", lambda f: str(f["misses"])),
        ("recall@1", lambda f: pct(f["recall_at_1"], f["variants"])),
        ("recall@5", lambda f: pct(f["recall_at_5"], f["variants"])),
        ("answered automatically", lambda f: pct(f["automatic"], f["variants"])),
        ("false: wrong claim", lambda f: str(f["false_automatic"])),
        ("false: near miss answered", lambda f: str(f["misses_automatic"])),
        (
            "false automatic answers",
            lambda f: str(f["false_automatic"] + f["misses_automatic"]),
        ),
        # Simpul only: the variants in order, each queued one grouped under its claim by a
        # verifier (and so indexed) before the next arrives; near misses last.
        (
            "answered, verifiers in loop",
            lambda f: pct(f["with_verifiers_automatic"], f["variants"])
            if "with_verifiers_automatic" in f
            else "-",
        ),
        (
            "near misses answered, loop",
            lambda f: str(f["with_verifiers_misses_answered"])
            if "with_verifiers_misses_answered" in f
            else "-",
        ),
    ]
    cols = [("dev", "Simpul"), ("dev", "BM25")]
    for name in names:
        cols += [(name, "Simpul"), (name, "BM25")]
    table = [["", *[f"{s} {sys_}" for s, sys_ in cols]]]
    for name, fmt in rows:
        cells = [name]
        for s, sys_ in cols:
            src = rust if sys_ == "Simpul" else base
            cells.append(fmt(src[s]) if s in src else "-")
        table.append(cells)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for n, r in enumerate(table):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
        if n == 0:
            print("| " + " | ".join("-" * w for w in widths) + " |")
    if out:
        json.dump(
            {"simpul": rust, "bm25": base, "bm25_threshold": threshold},
            open(out, "w", encoding="utf-8"),
            indent=1,
        )


def stems(words_path, rust_path, affixed_path=None):
    stem = stemmer()
    rust = {}
    with open(rust_path, encoding="utf-8") as f:
        for line in f:
            w, s = line.rstrip("\n").split("\t")
            rust[w] = s
    words = [w.strip() for w in open(words_path, encoding="utf-8") if w.strip() and not w.startswith("#")]
    diff = []
    for w in words:
        py = stem.stem(w) or w
        if rust.get(w) != py:
            diff.append((w, rust.get(w), py))
    agree = len(words) - len(diff)
    print(f"stemmer agreement (Rust sastrawi as Simpul calls it vs PySastrawi): {pct(agree, len(words))}")
    if affixed_path:
        affixed = set()
        for line in open(affixed_path, encoding="utf-8"):
            if not line.startswith("#"):
                affixed.update(TOKEN.findall(line.lower()))
        sub = [w for w in words if w in affixed]
        bad = sum(1 for w, _, _ in diff if w in affixed)
        print(f"  of which the hand-written affixed words: {pct(len(sub) - bad, len(sub))}")
    for w, r, p in diff:
        print(f"  {w}\trust={r}\tpysastrawi={p}")


def wordlist(dev, heldout, lexicon, slang, affixed):
    words = set()
    for path in (dev, heldout):
        for part in load_set(path):
            for _, text in part:
                words.update(TOKEN.findall(text.lower()))
    for path in (lexicon, slang):
        for line in open(path, encoding="utf-8"):
            if line.startswith("#"):
                continue
            words.update(TOKEN.findall(line.lower()))
    for line in open(affixed, encoding="utf-8"):
        if not line.startswith("#"):
            words.update(TOKEN.findall(line.lower()))
    words = sorted(w for w in words if len(w) >= 3 and w.isalpha() and w.isascii())
    print("# Word list for the stemmer agreement check (scripts/hoax-eval.sh): every word of the")
    print("# development and held-out sets, of the slang and Javanese/Madurese lexicons, and the")
    print("# affixed words of scripts/hoax_affixed_words.txt; lower-case ASCII, 3 letters or more.")
    print("# Rebuilt with: scripts/hoax-eval.sh --wordlist")
    for w in words:
        print(w)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "compare":
        out = None
        if "--json" in args:
            i = args.index("--json")
            out = args[i + 1]
            args = args[:i] + args[i + 2 :]
        compare(*args, out=out)
    elif cmd == "stems":
        stems(*args)
    elif cmd == "wordlist":
        wordlist(*args)
    else:
        sys.exit(__doc__)
