# shellcheck shell=bash
# Shared helpers for the project scripts. Source it; do not run it.

# die prints a message on stderr and exits non-zero.
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need_go fails with a clear message when Go is missing.
need_go() {
	command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.26.8 or newer (https://go.dev/doc/install) and run this again"
}

# need_debs PKG... installs missing Debian packages with apt-get when root,
# else prints the exact command to run and fails.
need_debs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing Debian packages; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
	fi
	echo "Installing Debian packages: ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

# need_node makes sure node and npm are there (the suite runs an independent
# OpenID provider, oidc-provider, on Node.js): an existing install of any
# origin is used as it is, else Debian's nodejs and npm are installed.
need_node() {
	if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
		return 0
	fi
	need_debs nodejs npm
}

# Packages the test suite needs: a real browser, a real Secret Service, a
# real X server with screenshot, click and OCR tools for the desktop app,
# and the C headers of a cgo Fyne build.
TEST_DEBS=(chromium gnome-keyring libsecret-tools dbus
	xvfb xauth imagemagick xdotool xclip tesseract-ocr desktop-file-utils xdg-utils libplist-utils make xz-utils
	gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
	gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev
	libxxf86vm-dev libwayland-dev libxkbcommon-dev)

# Packages building the desktop app needs (run: the demo and a local build).
GUI_DEBS=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev
	libxxf86vm-dev libwayland-dev libxkbcommon-dev)
