#!/bin/sh
# with-keyring.sh CMD [ARG...]
#
# Runs CMD inside a private, throwaway Secret Service: a fresh D-Bus session
# bus (dbus-run-session) with gnome-keyring-daemon unlocked by a fixed test
# password, and fresh XDG_DATA_HOME, XDG_RUNTIME_DIR, XDG_CONFIG_HOME,
# XDG_CACHE_HOME and HOME. DISPLAY and WAYLAND_DISPLAY are unset so nothing can
# pop up an unlock prompt. The real user's keyring is never touched.
#
# Before CMD runs, a probe entry is stored and read back with secret-tool; if
# any tool is missing or the daemon does not answer, the script fails loudly
# (exit 1, message on stderr) instead of letting tests skip silently.
#
# Example:
#   keystore/testdata/with-keyring.sh env SSOHELPER_REAL_KEYRING=1 go test ./keystore/ -run RealKeyring -v
set -eu

me=with-keyring.sh
die() { printf '%s: %s\n' "$me" "$*" >&2; exit 1; }

[ $# -gt 0 ] || { printf 'usage: %s CMD [ARG...]\n' "$me" >&2; exit 2; }

for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found; install the Debian packages dbus, gnome-keyring, libsecret-tools and coreutils"
done

# Keep Go's caches and settings: they default to paths under HOME, which is
# replaced below.
if command -v go >/dev/null 2>&1; then
	GOPATH=$(go env GOPATH) GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOENV=$(go env GOENV)
	export GOPATH GOCACHE GOMODCACHE GOENV
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/with-keyring.XXXXXX") || die "cannot create a temp dir"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/data" "$tmp/runtime" "$tmp/home" "$tmp/config" "$tmp/cache"
chmod 700 "$tmp/runtime"

export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" HOME="$tmp/home"
export XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK

# Inside the private bus: start and unlock the daemon, prove it answers with a
# probe entry, then replace the shell with CMD. Not exec'ing would keep the
# exit status too, but exec keeps signals going straight to CMD. The daemon
# exits by itself when dbus-run-session tears the bus down.
# shellcheck disable=SC2016 # $vars expand in the inner shell.
dbus-run-session -- sh -c '
	me=with-keyring.sh
	die() { printf "%s: %s\n" "$me" "$*" >&2; exit 1; }
	printf %s pass | timeout 10 gnome-keyring-daemon --unlock --components=secrets >/dev/null ||
		die "gnome-keyring-daemon did not start"
	# The daemon claims its bus name shortly after it forks. Wait for that, or
	# the probe below would D-Bus-activate a second, locked daemon.
	i=0
	until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
		i=$((i + 1))
		[ "$i" -le 100 ] || die "gnome-keyring-daemon did not claim org.freedesktop.secrets on the bus within 10s"
		sleep 0.1
	done
	printf %s probe-value | timeout 10 secret-tool store --label="with-keyring.sh probe" with-keyring probe ||
		die "the Secret Service did not accept a probe entry (secret-tool store failed)"
	got=$(timeout 10 secret-tool lookup with-keyring probe) ||
		die "the Secret Service did not return the probe entry (secret-tool lookup failed)"
	[ "$got" = probe-value ] || die "the Secret Service returned a wrong probe value"
	timeout 10 secret-tool clear with-keyring probe || die "the Secret Service did not delete the probe entry"
	exec "$@"
' sh "$@"
