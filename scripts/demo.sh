#!/usr/bin/env bash
# demo.sh signs in against the built-in Cognito + platform emulator.
# It opens your browser when there is a display, else fills in the login
# page itself. Extra arguments go to `ssohelper demo` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_go
echo "Building ssohelper (first run takes about a minute)…" >&2
bin="$(mktemp -d)/ssohelper"
trap 'rm -rf "$(dirname "$bin")"' EXIT
# The demo is a command: the headless build needs no C compiler or X headers.
CGO_ENABLED=0 go build -tags nogui -o "$bin" ./cmd/ssohelper
"$bin" demo "$@"
