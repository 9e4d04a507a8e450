package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// fleetHarness moves the emulator profile into a system config (the IT
// admin's), changed by mod, and leaves the user's file empty.
func fleetHarness(t *testing.T, mod func(*config.Profile)) (*harness, string) {
	h := newHarness(t, authtest.Options{})
	p := h.profile()
	if mod != nil {
		mod(&p)
	}
	sys := filepath.Join(h.dir, "etc", "xdg", "ssohelper", "config.toml")
	f := &config.File{DefaultProfile: p.Name, Profiles: map[string]config.Profile{p.Name: p}}
	if err := f.Save(sys); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(h.env[config.EnvConfig]); err != nil {
		t.Fatal(err)
	}
	h.system = []string{sys}
	return h, sys
}

// TestFleetConfig runs the real commands on a profile the IT admin manages:
// what the user file, flags and variables may and may not change.
func TestFleetConfig(t *testing.T) {
	tests := []struct {
		name    string
		user    string            // the user's config file; "" for none
		env     map[string]string // extra variables
		args    []string
		code    int
		stderr  []string // substrings
		origins map[string]string
	}{
		{name: "system only", args: []string{"status", "--settings"}, code: exitSignInNeed,
			stderr: []string{"managed by your IT admin in SYS", "locked: issuer, client_id", "client_id", "(SYS, locked)"}},
		{name: "user changes an unlocked key", user: "[profiles.work]\nlogin_timeout = \"2m\"\n",
			args: []string{"status", "--format", "json"}, code: exitSignInNeed,
			origins: map[string]string{"login_timeout": "USER", "client_id": "SYS", "callback_path": config.OriginDefault}},
		{name: "user file changes a locked key", user: "[profiles.work]\nclient_id = \"someoneelse\"\n",
			args: []string{"status"}, code: exitConfig,
			stderr: []string{"profile work is managed by your IT admin (SYS)", "client_id", "user_may_change"}},
		{name: "flag changes a locked key", args: []string{"login", "--issuer", "https://evil.example.com"}, code: exitConfig,
			stderr: []string{"managed by your IT admin", "--issuer cannot change its issuer"}},
		{name: "variable changes a locked key", env: map[string]string{config.EnvClientID: "someoneelse"},
			args: []string{"config", "validate"}, code: exitConfig,
			stderr: []string{"managed by your IT admin", "$SSOHELPER_CLIENT_ID cannot change its client_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, sys := fleetHarness(t, nil)
			usr := h.env[config.EnvConfig]
			if tt.user != "" {
				if err := os.WriteFile(usr, []byte(tt.user), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tt.env {
				h.env[k] = v
			}
			if code := h.run(context.Background(), nil, tt.args...); code != tt.code {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, tt.code, h.stderr.String())
			}
			for _, s := range tt.stderr {
				if s = strings.ReplaceAll(s, "SYS", sys); !strings.Contains(h.stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, h.stderr.String())
				}
			}
			if tt.origins != nil {
				var v statusView
				if err := json.Unmarshal(h.stdout.Bytes(), &v); err != nil {
					t.Fatalf("%v: %s", err, h.stdout.String())
				}
				if v.ManagedBy != sys {
					t.Errorf("managed_by %q; want %s", v.ManagedBy, sys)
				}
				got := map[string]string{}
				for _, s := range v.Settings {
					got[s.Key] = s.Origin
				}
				for k, want := range tt.origins {
					want = strings.NewReplacer("SYS", sys, "USER", usr).Replace(want)
					if got[k] != want {
						t.Errorf("origin of %s = %q; want %q", k, got[k], want)
					}
				}
			}
		})
	}
}

// TestFleetSecretFile: the system config names the platform client app's
// secret in a file the admin manages; a file others could read or write
// is refused with what to do, and the secret never shows.
func TestFleetSecretFile(t *testing.T) {
	secret := authtest.DemoPlatformApp().Secret
	for _, tt := range []struct {
		mode os.FileMode
		code int
		want string
	}{
		{0o640, exitOK, ""},
		{0o644, exitConfig, "must not be group- or world-writable nor world-readable"},
		{0o660, exitConfig, "chmod 0640"},
	} {
		h, _ := fleetHarness(t, nil)
		file := filepath.Join(h.dir, "etc", "platform.secret")
		if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, tt.mode); err != nil {
			t.Fatal(err)
		}
		sys := h.system[0]
		f, err := config.Load(sys)
		if err != nil {
			t.Fatal(err)
		}
		p := f.Profiles["work"]
		p.Platform.ClientAppSecretFile = file
		f.Profiles["work"] = p
		if err := f.Save(sys); err != nil {
			t.Fatal(err)
		}
		delete(h.env, config.EnvPlatformSecret)
		code := h.run(context.Background(), goBrowser("designer", "Design-2026!"), "login")
		if code != tt.code || !strings.Contains(h.stderr.String(), tt.want) {
			t.Errorf("mode %04o: exit %d; want %d and %q; stderr:\n%s", tt.mode, code, tt.code, tt.want, h.stderr.String())
		}
		if strings.Contains(h.stderr.String()+h.stdout.String(), secret) {
			t.Errorf("mode %04o: the secret shows in the output", tt.mode)
		}
		if tt.code == exitOK && h.loadSession().Platform == nil {
			t.Errorf("mode %04o: signed in without a platform token", tt.mode)
		}
	}
}

// TestConfigImport: import checks the file against the system config,
// shows what changes, asks, and writes only when told to.
func TestConfigImport(t *testing.T) {
	h, _ := fleetHarness(t, nil)
	usr := h.env[config.EnvConfig]
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.toml", "[profiles.work]\nlogin_timeout = \"2m\"\nredirect_ports = [50001, 50002]\n")
	locked := write("locked.toml", "[profiles.work]\nclient_id = \"someoneelse\"\n")
	broken := write("broken.toml", "[profiles.work\n")
	unknown := write("unknown.toml", "[profiles.work]\nlogin_timout = \"2m\"\n")

	for _, tt := range []struct {
		name    string
		args    []string
		stdin   string
		tty     bool
		code    int
		want    []string
		written bool
	}{
		{"broken file", []string{"config", "import", broken}, "", false, exitConfig, []string{"broken.toml", "line 1", "Nothing was changed"}, false},
		{"unknown key", []string{"config", "import", unknown}, "", false, exitConfig, []string{"login_timout", "unknown key"}, false},
		{"locked key", []string{"config", "import", locked}, "", false, exitConfig, []string{"managed by your IT admin", "client_id"}, false},
		{"a device", []string{"config", "import", "/dev/zero"}, "", false, exitConfig, []string{"not a regular file"}, false},
		{"no terminal, no --yes", []string{"config", "import", good}, "", false, exitConfig,
			[]string{"work: login_timeout: 30s -> 2m0s", "work: redirect_ports:", "-> 50001, 50002", "re-run with --yes"}, false},
		{"answered no", []string{"config", "import", good}, "n\n", true, exitOK, []string{"Write these changes? [y/N]", "Nothing was changed"}, false},
		{"answered yes", []string{"config", "import", good}, "y\n", true, exitOK, []string{"Installed " + usr}, true},
		{"same again", []string{"config", "import", "--yes", good}, "", false, exitOK, []string{"nothing to do"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h.stdin = strings.NewReader(tt.stdin)
			h.readHidden = nil
			if tt.tty {
				h.readHidden = func(string) (string, error) { return "", nil }
			}
			if code := h.run(context.Background(), nil, tt.args...); code != tt.code {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, tt.code, h.stderr.String())
			}
			for _, s := range tt.want {
				if !strings.Contains(h.stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, h.stderr.String())
				}
			}
			_, err := os.Stat(usr)
			if written := err == nil; written != tt.written {
				t.Errorf("user file written = %v; want %v", written, tt.written)
			}
		})
	}
	h.stdin, h.readHidden = nil, nil
	h.mustRun(nil, "config", "validate")
	if !strings.Contains(h.stdout.String(), "http://localhost:50001/callback") {
		t.Errorf("after import, validate lists %q; want the imported ports", h.stdout.String())
	}
}
