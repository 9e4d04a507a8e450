//go:build !nogui && linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestInstallDesktop: install-desktop writes the app entry (which also
// handles ssohelper:// links), the icon and, with --autostart, a start at
// login in the tray; the real xdg-mime then answers that ssohelper handles
// the links, and desktop-file-validate accepts both entries;
// uninstall-desktop takes it all away.
func TestInstallDesktop(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	data, cfg := t.TempDir(), t.TempDir()
	h.env["XDG_DATA_HOME"], h.env["XDG_CONFIG_HOME"] = data, cfg
	t.Setenv("XDG_DATA_HOME", data) // for the xdg tools the command runs
	t.Setenv("XDG_CONFIG_HOME", cfg)
	for _, tool := range []string{"xdg-mime", "update-desktop-database", "desktop-file-validate"} {
		if _, err := exec.LookPath(tool); err != nil {
			realPart(t, tool+" (xdg-utils, desktop-file-utils)", err.Error())
		}
	}

	h.mustRun(nil, "install-desktop", "--autostart")
	out := h.stderr.String()
	entry := read(t, filepath.Join(data, "applications", "ssohelper.desktop"))
	for _, want := range []string{"[Desktop Entry]", "Type=Application", "Name=ssohelper", " %u\n", "MimeType=x-scheme-handler/ssohelper;", "Icon=ssohelper", "Terminal=false"} {
		if !strings.Contains(entry, want) {
			t.Errorf("app entry lacks %q:\n%s", want, entry)
		}
	}
	exe, _ := os.Executable()
	exe, _ = filepath.EvalSymlinks(exe)
	if !strings.Contains(entry, "Exec="+exe+" %u") {
		t.Errorf("app entry does not run this program (%s):\n%s", exe, entry)
	}
	auto := read(t, filepath.Join(cfg, "autostart", "ssohelper.desktop"))
	if !strings.Contains(auto, exe+" --hidden") || strings.Contains(auto, "MimeType") {
		t.Errorf("autostart entry:\n%s", auto)
	}
	if icon := read(t, filepath.Join(data, "icons", "hicolor", "256x256", "apps", "ssohelper.png")); !strings.HasPrefix(icon, "\x89PNG") {
		t.Errorf("icon is not a PNG")
	}
	for _, path := range []string{filepath.Join(data, "applications", "ssohelper.desktop"), filepath.Join(cfg, "autostart", "ssohelper.desktop")} {
		if out, err := exec.Command("desktop-file-validate", path).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("desktop-file-validate %s: %v\n%s", path, err, out)
		}
	}
	for _, want := range []string{"Ran xdg-mime default ssohelper.desktop x-scheme-handler/ssohelper", "Ran update-desktop-database " + filepath.Join(data, "applications")} {
		if !strings.Contains(out, want) {
			t.Errorf("install-desktop said %q; want %q", out, want)
		}
	}
	if got, err := exec.Command("xdg-mime", "query", "default", "x-scheme-handler/ssohelper").Output(); err != nil || strings.TrimSpace(string(got)) != "ssohelper.desktop" {
		t.Errorf("xdg-mime query default x-scheme-handler/ssohelper = %q, %v; want ssohelper.desktop", got, err)
	}

	h.mustRun(nil, "uninstall-desktop")
	for _, path := range []string{filepath.Join(data, "applications", "ssohelper.desktop"), filepath.Join(cfg, "autostart", "ssohelper.desktop"),
		filepath.Join(data, "icons", "hicolor", "256x256", "apps", "ssohelper.png")} {
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s still there after uninstall-desktop (%v)", path, err)
		}
	}
	if got, _ := exec.Command("xdg-mime", "query", "default", "x-scheme-handler/ssohelper").Output(); strings.TrimSpace(string(got)) != "" {
		t.Errorf("after uninstall-desktop, xdg-mime still names %q for ssohelper:// links", got)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
