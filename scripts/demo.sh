#!/usr/bin/env bash
# demo.sh signs in against the built-in Cognito + platform emulator.
# It opens your browser when there is a display, else fills in the login
# page itself. Extra arguments go to `ssohelper demo` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_go
go run ./cmd/ssohelper demo "$@"
