package integrate

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuoteExec(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/ssohelper":         `/usr/bin/ssohelper`,
		"/opt/my apps/ssohelper":     `"/opt/my apps/ssohelper"`,
		"/opt/100%/ssohelper":        `/opt/100%%/ssohelper`,
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

// TestFileIntegrations: Install, the autostart toggle and Remove of the
// XDG and macOS integrations, on a temporary home.
func TestFileIntegrations(t *testing.T) {
	for _, goos := range []string{"linux", "darwin"} {
		t.Run(goos, func(t *testing.T) {
			home := t.TempDir()
			var log bytes.Buffer
			var ran []string
			in, err := For(Env{GOOS: goos, Exe: "/opt/ssohelper/ssohelper", Home: home, Getenv: func(string) string { return "" }, Log: &log,
				Run: func(_ context.Context, name string, args ...string) error {
					ran = append(ran, name+" "+strings.Join(args, " "))
					return ErrToolMissing
				}})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if on, err := in.Autostart(); on || err != nil {
				t.Fatalf("autostart before install: %v, %v", on, err)
			}
			if err := in.Install(ctx, true); err != nil {
				t.Fatal(err)
			}
			if on, err := in.Autostart(); !on || err != nil {
				t.Errorf("autostart after install --autostart: %v, %v", on, err)
			}
			if err := in.SetAutostart(ctx, false); err != nil {
				t.Fatal(err)
			}
			if on, _ := in.Autostart(); on {
				t.Error("autostart still on after turning it off")
			}
			if err := in.SetAutostart(ctx, true); err != nil {
				t.Fatal(err)
			}
			for _, p := range in.Places() {
				if !strings.HasPrefix(p, home) {
					t.Errorf("%s is outside the home", p)
				}
			}
			if goos == "linux" {
				want := []string{"xdg-mime default ssohelper.desktop x-scheme-handler/ssohelper", "update-desktop-database " + filepath.Join(home, ".local/share/applications")}
				if strings.Join(ran, "\n") != strings.Join(want, "\n") {
					t.Errorf("tools run: %q; want %q", ran, want)
				}
				if !strings.Contains(log.String(), "xdg-mime is not installed; skipped it") {
					t.Errorf("log does not say xdg-mime was missing:\n%s", log.String())
				}
			}
			if err := in.Remove(ctx); err != nil {
				t.Fatal(err)
			}
			for _, p := range in.Places() {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Errorf("%s left after Remove (%v)", p, err)
				}
			}
			if err := in.Remove(ctx); err != nil {
				t.Errorf("a second Remove: %v", err)
			}
		})
	}
}

// TestLaunchAgent: the LaunchAgent is a valid property list (checked with
// plistutil) that runs the program, escaped, with --hidden at load.
func TestLaunchAgent(t *testing.T) {
	plist := LaunchAgent("/Applications/ssohelper & co.app/Contents/MacOS/ssohelper")
	for _, want := range []string{"<string>io.ssohelper.desktop</string>", "<string>/Applications/ssohelper &amp; co.app/Contents/MacOS/ssohelper</string>", "<string>--hidden</string>", "<key>RunAtLoad</key>\n\t<true/>"} {
		if !bytes.Contains(plist, []byte(want)) {
			t.Errorf("LaunchAgent lacks %q:\n%s", want, plist)
		}
	}
	tool, err := exec.LookPath("plistutil")
	if err != nil {
		if os.Getenv("SSOHELPER_REQUIRE_REAL") != "" {
			t.Fatalf("plistutil (Debian libplist-utils) is required: %v", err)
		}
		t.Skip("plistutil not installed")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "agent.plist"), filepath.Join(dir, "agent.bin")
	if err := os.WriteFile(in, plist, 0o644); err != nil {
		t.Fatal(err)
	}
	// Converting to the binary form fails on anything but a valid plist.
	if msg, err := exec.Command(tool, "-i", in, "-o", out, "-f", "bin").CombinedOutput(); err != nil {
		t.Fatalf("plistutil: %v\n%s", err, msg)
	}
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte("bplist00")) {
		t.Errorf("plistutil did not convert the LaunchAgent")
	}
}

func TestRegistryValues(t *testing.T) {
	exe := `C:\Users\Dana\AppData\Local\Programs\ssohelper\ssohelper.exe`
	got := map[string]string{}
	for _, v := range SchemeValues(exe) {
		got[v.Key+"|"+v.Name] = v.Value
	}
	want := map[string]string{
		`Software\Classes\ssohelper|`:                    "URL:ssohelper link",
		`Software\Classes\ssohelper|URL Protocol`:        "",
		`Software\Classes\ssohelper\DefaultIcon|`:        `"` + exe + `",0`,
		`Software\Classes\ssohelper\shell\open\command|`: `"` + exe + `" "%1"`,
	}
	for k, w := range want {
		if v, ok := got[k]; !ok || v != w {
			t.Errorf("%s = %q (set %v); want %q", k, v, ok, w)
		}
	}
	if r := RunValue(exe); r.Key != `Software\Microsoft\Windows\CurrentVersion\Run` || r.Value != `"`+exe+`" --hidden` {
		t.Errorf("RunValue = %+v", r)
	}
	for i := 1; i < len(schemeSubkeys); i++ { // a key is deleted after its subkeys
		if strings.HasPrefix(schemeSubkeys[i], schemeSubkeys[i-1]+`\`) {
			t.Errorf("%s is deleted before its subkey %s", schemeSubkeys[i-1], schemeSubkeys[i])
		}
	}
	if _, err := For(Env{GOOS: "plan9", Exe: "/x"}); err == nil {
		t.Error("an unsupported OS got an integration")
	}
	if _, err := For(Env{GOOS: "linux", Exe: "relative/ssohelper"}); err == nil {
		t.Error("a relative program path was accepted")
	}
}
