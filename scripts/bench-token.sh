#!/usr/bin/env bash
# bench-token.sh OUT: times a cached token as scripts get it, with
# hyperfine -N in one run: an empty Go program (the floor),
# `ssohelper-token` (the small program for scripts), `ssohelper token` of
# the headless and the desktop build, and `secret-tool lookup` of one
# entry on the same keyring. Run it inside keystore/testdata/with-keyring.sh
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
CGO_ENABLED=0 go build -ldflags "-s -w" -o "$tmp/ssohelper-token" ./cmd/ssohelper-token
go build -ldflags "-s -w" -o "$tmp/gui" ./cmd/ssohelper

fixture=$(SSOHELPER_REAL_KEYRING=1 SSOHELPER_BENCH_DIR="$tmp/fx" \
	go test -run '^$' -bench '^BenchmarkRealKeyringFixture$' -benchtime 1x ./cmd/ssohelper | sed -n 's/^FIXTURE //p')
[ -n "$fixture" ] || { echo "bench-token.sh: no signed-in fixture" >&2; exit 1; }
for kv in $fixture; do export "${kv?}"; done
# As after any earlier use: the config file is older than the two seconds
# a token hint wants, and one `ssohelper token` has filled the kernel key
# cache and left the hint ssohelper-token reads.
touch -d '-1 minute' "$SSOHELPER_CONFIG"
"$tmp/nogui" token >/dev/null
cmp -s <("$tmp/nogui" token) <(PATH=/nonexistent "$tmp/ssohelper-token") ||
	{ echo "bench-token.sh: ssohelper-token did not answer by itself as ssohelper token does" >&2; exit 1; }
hyperfine -N --warmup 10 --runs 300 --export-json "$tmp/t.json" \
	"$tmp/empty-go" "$tmp/ssohelper-token" "$tmp/nogui token" "$tmp/gui token" \
	"secret-tool lookup service ssohelper username vault-key" >&2
jq -r '.results | "token_empty_ms=\(.[0].median*1000)\ntoken_helper_ms=\(.[1].median*1000)\ntoken_nogui_ms=\(.[2].median*1000)\ntoken_gui_ms=\(.[3].median*1000)\ntoken_secret_tool_ms=\(.[4].median*1000)"' "$tmp/t.json" >>"$out"
