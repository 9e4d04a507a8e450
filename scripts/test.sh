#!/usr/bin/env bash
# test.sh runs the whole test suite with every real part: headless Chromium,
# the Secret Service (gnome-keyring in a private D-Bus session), an
# independent OpenID provider on Node.js and the desktop app in a real X
# server (Xvfb). It runs the suite twice: the full build with -race, and
# the headless build (-tags nogui, CGO_ENABLED=0), which is also
# cross-compiled for macOS and Windows. The Windows desktop app is
# cross-compiled with mingw-w64 and checked to be a GUI-subsystem program.
# It installs what it needs. A real part that cannot start fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_go
need_debs "${TEST_DEBS[@]}"
need_node

echo "== gofmt, go vet (desktop and headless builds)" >&2
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || die "gofmt needed on: $unformatted"
go vet ./...
CGO_ENABLED=0 go vet -tags nogui ./...
echo "== builds: desktop app; headless for linux, darwin, windows" >&2
go build -o /dev/null ./cmd/ssohelper
for os in linux darwin windows; do
	CGO_ENABLED=0 GOOS=$os go build -tags nogui -o /dev/null ./cmd/ssohelper
done
echo "== the Windows desktop app (mingw-w64; the first build takes several minutes)" >&2
winexe=$(mktemp -d)/ssohelper.exe
CC=x86_64-w64-mingw32-gcc GOOS=windows GOARCH=amd64 CGO_ENABLED=1 \
	go build -ldflags "-s -w -H=windowsgui" -o "$winexe" ./cmd/ssohelper
headers=$(x86_64-w64-mingw32-objdump -p "$winexe")
grep -q '^Subsystem.*(Windows GUI)' <<<"$headers" ||
	die "the Windows desktop build is not a GUI-subsystem program (a console window would open)"
echo "   $(du -m "$winexe" | cut -f1) MB, Windows GUI subsystem" >&2
rm -rf "$(dirname "$winexe")"

# Every real-part test fails instead of skipping when this is set.
export SSOHELPER_REQUIRE_REAL=1
export SSOHELPER_REAL_KEYRING=1
export SSOHELPER_CHROMIUM=/usr/bin/chromium
[ -x "$SSOHELPER_CHROMIUM" ] || die "chromium is not at $SSOHELPER_CHROMIUM"

echo "== go test -race (real keyring, real browser, real window)" >&2
keystore/testdata/with-keyring.sh go test -race -count=1 -timeout 30m "$@" ./...
echo "== go test, headless build (-tags nogui, CGO_ENABLED=0)" >&2
CGO_ENABLED=0 keystore/testdata/with-keyring.sh go test -tags nogui -count=1 -timeout 30m "$@" ./...
echo "== fuzzing: every target for 10 s (seed corpora ran above)" >&2
bash scripts/fuzz.sh 10s
