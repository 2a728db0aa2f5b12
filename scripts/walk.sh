#!/usr/bin/env bash
# Walk every screen the demo offers, as the anonymous visitor and as every demo role, on a phone
# viewport (../shared/tools/walk.mjs): fails when a link or GET form a page offers is a dead end
# (400, 401, 403, 404, 5xx) or a page throws. Writes e2e/artifacts/walk.md.
#
#   scripts/walk.sh            # uses target/debug/simpul (SIMPUL_BIN to choose another)
#
# Without ../shared/tools/walk.mjs (a checkout outside the shared workspace) it warns and skips.
set -euo pipefail
cd "$(dirname "$0")/.."

walker=${SIMPUL_WALK:-../shared/tools/walk.mjs}
if [ ! -f "$walker" ]; then
  echo "WARNING: $walker not found: the walk of every screen is SKIPPED (set SIMPUL_WALK to its path)." >&2
  exit 0
fi
walker=$(cd "$(dirname "$walker")" && pwd)/$(basename "$walker")
bin=${SIMPUL_BIN:-target/debug/simpul}
[ -x "$bin" ] || { echo "no server binary at $bin (cargo build first)" >&2; exit 1; }

data=$(mktemp -d)
log=$(mktemp)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$data" "$log"
}
trap cleanup EXIT

# A free port, asked of the kernel.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --demo --data-dir "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the demo server stopped:" >&2; tail -40 "$log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "the demo server did not answer" >&2; tail -40 "$log" >&2; exit 1; }

mkdir -p e2e/artifacts
roles=('' kim.prigen.anggota kim.prigen.ketua kominfo.kab-pasuruan kominfo.jatim bakorwil.malang
       mitra.bmkg cekfakta.jatim juri.jatim nasional)
as_args=()
for r in "${roles[@]}"; do as_args+=(--as "$r"); done
echo "== walking the demo as the visitor and ${#roles[@]} roles (report: e2e/artifacts/walk.md)"
(cd e2e && node "$walker" --base "http://127.0.0.1:$port" --password simpul-demo-2026 \
  "${as_args[@]}" --max "${WALK_MAX:-150}" --out artifacts/walk.md)
