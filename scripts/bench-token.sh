#!/usr/bin/env bash
# bench-token.sh OUT: times the cached `ssohelper token` as scripts call
# it, with hyperfine -N in one run: an empty Go program (the floor), the
# headless build, the desktop build, and `secret-tool lookup` of one entry
# on the same keyring. Run it inside keystore/testdata/with-keyring.sh
# (scripts/bench.sh does): the sign-in is saved to that real keyring. It
# appends key=value lines (medians in ms, and ratios) to OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/empty"
printf 'package main\n\nfunc main() {}\n' >"$tmp/empty/main.go"
printf 'module empty\n\ngo 1.26\n' >"$tmp/empty/go.mod"
(cd "$tmp/empty" && CGO_ENABLED=0 go build -o "$tmp/empty-go" .)
CGO_ENABLED=0 go build -tags nogui -ldflags "-s -w" -o "$tmp/nogui" ./cmd/ssohelper
go build -ldflags "-s -w" -o "$tmp/gui" ./cmd/ssohelper

fixture=$(SSOHELPER_REAL_KEYRING=1 SSOHELPER_BENCH_DIR="$tmp/fx" \
	go test -run '^$' -bench '^BenchmarkRealKeyringFixture$' -benchtime 1x ./cmd/ssohelper | sed -n 's/^FIXTURE //p')
[ -n "$fixture" ] || { echo "bench-token.sh: no signed-in fixture" >&2; exit 1; }
for kv in $fixture; do export "${kv?}"; done
"$tmp/nogui" token >/dev/null # fills the kernel key cache, as any first call does
hyperfine -N --warmup 10 --runs 100 --export-json "$tmp/t.json" \
	"$tmp/empty-go" "$tmp/nogui token" "$tmp/gui token" \
	"secret-tool lookup service ssohelper username vault-key" >&2
jq -r '.results | "token_empty_ms=\(.[0].median*1000)\ntoken_nogui_ms=\(.[1].median*1000)\ntoken_gui_ms=\(.[2].median*1000)\ntoken_secret_tool_ms=\(.[3].median*1000)"' "$tmp/t.json" >>"$out"
