#!/usr/bin/env bash
# test.sh runs the whole test suite with every real part: headless Chromium,
# the Secret Service (gnome-keyring in a private D-Bus session) and an
# independent OpenID provider on Node.js.
# It installs what it needs. A real part that cannot start fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_go
need_debs "${TEST_DEBS[@]}"
need_node

echo "== gofmt, go vet" >&2
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || die "gofmt needed on: $unformatted"
go vet ./...
echo "== headless build (CGO_ENABLED=0)" >&2
CGO_ENABLED=0 go build -o /dev/null ./cmd/ssohelper

# Every real-part test fails instead of skipping when this is set.
export SSOHELPER_REQUIRE_REAL=1
export SSOHELPER_REAL_KEYRING=1
export SSOHELPER_CHROMIUM=/usr/bin/chromium
[ -x "$SSOHELPER_CHROMIUM" ] || die "chromium is not at $SSOHELPER_CHROMIUM"

echo "== go test (real keyring, real browser)" >&2
keystore/testdata/with-keyring.sh go test -race -count=1 -timeout 20m "$@" ./...
