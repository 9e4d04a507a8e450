//go:build !nogui

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageLinux: scripts/package.sh makes the Linux archive with the
// pinned fyne tool; its desktop entry passes desktop-file-validate, runs
// "ssohelper %u" and handles ssohelper:// links; `make user-install`
// installs a working program, with ssohelper-token next to it, and makes
// it the handler xdg-mime names; `make user-uninstall` removes both.
func TestPackageLinux(t *testing.T) {
	for _, tool := range []string{"desktop-file-validate", "xdg-mime", "update-desktop-database", "make", "xz"} {
		if _, err := exec.LookPath(tool); err != nil {
			realPart(t, tool, err.Error())
		}
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	out, err := exec.Command("bash", filepath.Join(root, "scripts", "package.sh")).Output()
	if err != nil {
		t.Fatalf("package.sh: %v\n%s", err, stderrOf(err))
	}
	archive := filepath.Join(root, strings.TrimSpace(string(out)))
	t.Cleanup(func() { os.Remove(archive) })
	if !strings.HasSuffix(archive, "-linux-amd64.tar.xz") && !strings.HasSuffix(archive, "-linux-arm64.tar.xz") {
		t.Fatalf("package.sh made %q", archive)
	}
	x := t.TempDir()
	if msg, err := exec.Command("tar", "-xJf", archive, "-C", x).CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, msg)
	}
	dir := filepath.Join(x, "ssohelper")
	entry := filepath.Join(dir, "usr", "local", "share", "applications", "io.ssohelper.desktop.desktop")
	text := read(t, entry)
	for _, want := range []string{"Exec=ssohelper %u\n", "MimeType=x-scheme-handler/ssohelper;", "Name=ssohelper", "Categories=System;Security;"} {
		if !strings.Contains(text, want) {
			t.Errorf("packaged entry lacks %q:\n%s", want, text)
		}
	}
	if msg, err := exec.Command("desktop-file-validate", entry).CombinedOutput(); err != nil || len(msg) > 0 {
		t.Errorf("desktop-file-validate: %v\n%s", err, msg)
	}

	home := t.TempDir()
	env := append(scrubbedEnv(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "PATH="+os.Getenv("PATH"))
	install := exec.Command("make", "user-install")
	install.Dir, install.Env = dir, env
	if msg, err := install.CombinedOutput(); err != nil {
		t.Fatalf("make user-install: %v\n%s", err, msg)
	}
	bin := filepath.Join(home, ".local", "bin", "ssohelper")
	if got := read(t, filepath.Join(home, ".local", "share", "applications", "io.ssohelper.desktop.desktop")); !strings.Contains(got, "Exec="+bin+" %u\n") {
		t.Errorf("installed entry does not run %s:\n%s", bin, got)
	}
	query := exec.Command("xdg-mime", "query", "default", "x-scheme-handler/ssohelper")
	query.Env = env
	if got, err := query.Output(); err != nil || strings.TrimSpace(string(got)) != "io.ssohelper.desktop.desktop" {
		t.Errorf("xdg-mime query default x-scheme-handler/ssohelper = %q, %v", got, err)
	}
	help := exec.Command(bin, "--help")
	help.Env = env
	if msg, err := help.CombinedOutput(); err != nil || !strings.Contains(string(msg), "install-desktop") {
		t.Errorf("the installed program: %v\n%s", err, msg)
	}
	// ssohelper-token hands --help to the ssohelper installed next to it.
	tokenHelp := exec.Command(filepath.Join(home, ".local", "bin", "ssohelper-token"), "--help")
	tokenHelp.Env = append(env, "PATH=/nonexistent")
	if msg, err := tokenHelp.CombinedOutput(); err != nil || !strings.Contains(string(msg), "--min-valid") {
		t.Errorf("the installed ssohelper-token: %v\n%s", err, msg)
	}
	uninstall := exec.Command("make", "user-uninstall")
	uninstall.Dir, uninstall.Env = dir, env
	if msg, err := uninstall.CombinedOutput(); err != nil {
		t.Fatalf("make user-uninstall: %v\n%s", err, msg)
	}
	for _, name := range []string{"ssohelper", "ssohelper-token"} {
		if _, err := os.Stat(filepath.Join(home, ".local", "bin", name)); !os.IsNotExist(err) {
			t.Errorf("after make user-uninstall, %s: %v", name, err)
		}
	}
}

// TestPackageURLTypes: the macOS fix-up adds the ssohelper:// scheme to an
// Info.plist (here one shaped like the fyne tool's), which plistutil still
// reads, and applying it twice changes nothing.
func TestPackageURLTypes(t *testing.T) {
	if _, err := exec.LookPath("plistutil"); err != nil {
		realPart(t, "plistutil (libplist-utils)", err.Error())
	}
	plist := filepath.Join(t.TempDir(), "Info.plist")
	orig := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleName</key>
	<string>ssohelper</string>
	<key>CFBundleIdentifier</key>
	<string>io.ssohelper.desktop</string>
	<key>LSMinimumSystemVersion</key>
	<string>10.11</string>
</dict>
</plist>
`
	if err := os.WriteFile(plist, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("..", "..", "scripts", "package.sh"))
	for range 2 {
		if msg, err := exec.Command("bash", script, "--url-types", plist).CombinedOutput(); err != nil {
			t.Fatalf("package.sh --url-types: %v\n%s", err, msg)
		}
	}
	got := read(t, plist)
	if strings.Count(got, "CFBundleURLTypes") != 1 || !strings.Contains(got, "<string>ssohelper</string>\n\t\t\t</array>") {
		t.Errorf("Info.plist after the fix-up:\n%s", got)
	}
	xml, err := exec.Command("plistutil", "-i", plist, "-f", "xml").Output()
	if err != nil {
		t.Fatalf("plistutil cannot read it: %v", err)
	}
	if !strings.Contains(string(xml), "<key>CFBundleURLSchemes</key>") || !strings.Contains(string(xml), "<string>io.ssohelper.desktop</string>") {
		t.Errorf("plistutil reads:\n%s", xml)
	}
}

// stderrOf is the stderr of a failed exec.Command(...).Output().
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
