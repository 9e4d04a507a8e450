#!/usr/bin/env bash
# package.sh makes the desktop app's installable package for this OS into
# dist/: a stripped release build, packaged by the fyne tool (pinned in
# go.mod) from FyneApp.toml, then fixed where the tool falls short:
#  - linux: the .desktop entry runs "ssohelper %u" (the tool writes %F,
#    files, for the ssohelper:// scheme) and the archive's Makefile installs
#    the program under its name, with ssohelper-token (the small program
#    for scripts) next to it, and registers the scheme on user-install;
#  - darwin (on a Mac): the bundle's Info.plist declares the ssohelper://
#    scheme (CFBundleURLTypes), which the tool has no field for.
# `package.sh --url-types Info.plist` applies the darwin fix to one file.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# url_types adds CFBundleURLTypes (ssohelper://) to an Info.plist.
url_types() {
	local plist=$1
	grep -q CFBundleURLTypes "$plist" && return 0
	local entry='\t<key>CFBundleURLTypes</key>\n\t<array>\n\t\t<dict>\n\t\t\t<key>CFBundleURLName</key>\n\t\t\t<string>io.ssohelper.desktop</string>\n\t\t\t<key>CFBundleURLSchemes</key>\n\t\t\t<array>\n\t\t\t\t<string>ssohelper</string>\n\t\t\t</array>\n\t\t</dict>\n\t</array>'
	# Insert before the plist's last </dict>.
	local n
	n=$(grep -n '^</dict>' "$plist" | tail -1 | cut -d: -f1)
	[ -n "$n" ] || die "$plist: no closing </dict>"
	sed -i.bak "${n}i\\
$(printf '%b' "$entry" | sed 's/$/\\/')
" "$plist"
	rm -f "$plist.bak"
}

if [ "${1:-}" = "--url-types" ]; then
	url_types "$2"
	exit
fi

need_go
os=$(go env GOOS)
arch=$(go env GOARCH)
version=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
mkdir -p dist
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
exe=ssohelper
[ "$os" = windows ] && exe=ssohelper.exe
ldflags="-s -w -X main.version=$version"
[ "$os" = windows ] && ldflags="$ldflags -H=windowsgui"
echo "Building ssohelper $version for $os/$arch…" >&2
go build -ldflags "$ldflags" -o "$tmp/$exe" ./cmd/ssohelper
go tool fyne package -os "$os" -exe "$tmp/$exe" -release >&2

case "$os" in
linux | freebsd | openbsd | netbsd)
	x="$tmp/x"
	mkdir "$x"
	tar -xJf ssohelper.tar.xz -C "$x"
	rm ssohelper.tar.xz
	d="$x/ssohelper"
	sed -i 's/^Exec=ssohelper %F$/Exec=ssohelper %u/' "$d"/usr/local/share/applications/*.desktop
	sed -i -e 's/^Exec := "ssohelper %F"$/Exec := ssohelper/' "$d/Makefile"
	# ssohelper-token goes wherever ssohelper goes, and leaves with it.
	CGO_ENABLED=0 go build -ldflags "-s -w" -o "$d/usr/local/bin/ssohelper-token" ./cmd/ssohelper-token
	sed -i -e '/install -Dm00755 usr\/local\/bin\/$(Exec) /{p;s/$(Exec)/ssohelper-token/g}' \
		-e '/-rm .*\/bin\/$(Exec)$/{p;s/$(Exec)/ssohelper-token/g}' "$d/Makefile"
	# Register the scheme on user-install (the system install leaves that to
	# the desktop's own database update).
	sed -i '/^user-install:/,/^$/{/^\tsed -i/a\
\t-update-desktop-database $(DESTDIR)$(HOME)/.local/share/applications\
\t-xdg-mime default $(AppID).desktop x-scheme-handler/ssohelper
}' "$d/Makefile"
	out="dist/ssohelper-$version-$os-$arch.tar.xz"
	tar -cJf "$out" -C "$x" ssohelper
	;;
darwin)
	url_types ssohelper.app/Contents/Info.plist
	out="dist/ssohelper-$version-$os-$arch.app"
	rm -rf "$out"
	mv ssohelper.app "$out"
	;;
windows)
	out="dist/ssohelper-$version-$os-$arch.exe"
	mv ssohelper.exe "$out"
	;;
*)
	die "no package for $os"
	;;
esac
echo "$out"
