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
// login in the tray; it runs xdg-mime and update-desktop-database when
// present; --remove takes it all away.
func TestInstallDesktop(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	data, cfg, bin := t.TempDir(), t.TempDir(), t.TempDir()
	h.env["XDG_DATA_HOME"], h.env["XDG_CONFIG_HOME"] = data, cfg
	calls := filepath.Join(bin, "calls")
	for _, tool := range []string{"xdg-mime", "update-desktop-database"} {
		script := "#!/bin/sh\necho " + tool + " \"$@\" >> " + calls + "\n"
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	h.mustRun(nil, "install-desktop", "--autostart")
	entry := read(t, filepath.Join(data, "applications", "ssohelper.desktop"))
	for _, want := range []string{"[Desktop Entry]", "Type=Application", "Name=ssohelper", " %u\n", "MimeType=x-scheme-handler/ssohelper;", "Icon=ssohelper", "Terminal=false"} {
		if !strings.Contains(entry, want) {
			t.Errorf("app entry lacks %q:\n%s", want, entry)
		}
	}
	exe, _ := os.Executable()
	exe, _ = filepath.EvalSymlinks(exe)
	if !strings.Contains(entry, `Exec="`+exe+`" %u`) {
		t.Errorf("app entry does not run this program (%s):\n%s", exe, entry)
	}
	auto := read(t, filepath.Join(cfg, "autostart", "ssohelper.desktop"))
	if !strings.Contains(auto, `" --hidden`) || strings.Contains(auto, "MimeType") {
		t.Errorf("autostart entry:\n%s", auto)
	}
	if icon := read(t, filepath.Join(data, "icons", "hicolor", "256x256", "apps", "ssohelper.png")); !strings.HasPrefix(icon, "\x89PNG") {
		t.Errorf("icon is not a PNG")
	}
	validator, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		realPart(t, "desktop-file-validate (desktop-file-utils)", err.Error())
	}
	for _, path := range []string{filepath.Join(data, "applications", "ssohelper.desktop"), filepath.Join(cfg, "autostart", "ssohelper.desktop")} {
		if out, err := exec.Command(validator, path).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("desktop-file-validate %s: %v\n%s", path, err, out)
		}
	}
	got := read(t, calls)
	for _, want := range []string{"xdg-mime default ssohelper.desktop x-scheme-handler/ssohelper", "update-desktop-database " + filepath.Join(data, "applications")} {
		if !strings.Contains(got, want) {
			t.Errorf("tool calls %q lack %q", got, want)
		}
	}

	h.mustRun(nil, "install-desktop", "--remove")
	for _, path := range []string{filepath.Join(data, "applications", "ssohelper.desktop"), filepath.Join(cfg, "autostart", "ssohelper.desktop")} {
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s still there after --remove (%v)", path, err)
		}
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

func TestQuoteExec(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/ssohelper":         `"/usr/bin/ssohelper"`,
		`/opt/my "apps"/ssohelper`:   `"/opt/my \\"apps\\"/ssohelper"`,
		`/home/a$b/ssohelper`:        `"/home/a\\$b/ssohelper"`,
		"/home/x`y`/ssohelper":       "\"/home/x\\\\`y\\\\`/ssohelper\"",
		`/home/back\slash/ssohelper`: `"/home/back\\\\slash/ssohelper"`,
	} {
		if got := quoteExec(in); got != want {
			t.Errorf("quoteExec(%q) = %s; want %s", in, got, want)
		}
	}
}
