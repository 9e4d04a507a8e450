#!/usr/bin/env bash
# demo.sh runs ssohelper against the built-in Cognito + platform emulator.
# With a display (and no arguments) it opens the desktop app on it, so you
# can click through sign-in, refresh and sign-out; it installs the desktop
# build's Debian packages first (apt-get when root, else it prints the
# command). Without a display, or with arguments for `ssohelper demo`
# (try --help), it runs the command-line demo, which fills in the login
# page itself when there is no display.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_go
bin="$(mktemp -d)/ssohelper"
trap 'rm -rf "$(dirname "$bin")"' EXIT
if [ $# -eq 0 ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
	need_debs "${GUI_DEBS[@]}"
	echo "Building the desktop app (the first build compiles its C parts: a few minutes)…" >&2
	go build -o "$bin" ./cmd/ssohelper
	"$bin" demo --desktop
	exit
fi
echo "Building ssohelper (first run takes about a minute)…" >&2
# The command-line demo needs no C compiler or X headers.
CGO_ENABLED=0 go build -tags nogui -o "$bin" ./cmd/ssohelper
"$bin" demo "$@"
