package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const systemProfile = `
default_profile = "work"
[profiles.work]
user_pool_id = "eu-west-1_AbC123"
client_id = "1example23456789abcdefghij"
scopes = ["openid", "email"]
[profiles.work.platform]
kind = "encodify"
base_url = "https://worker.example.com/encode"
site_id = "36"
idp = "cognito"
client_app_id = "fleet-app"
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadMerged(t *testing.T) {
	const userOwn = `
[profiles.mine]
issuer = "https://idp.example.com"
client_id = "mine"
[profiles.mine.platform]
kind = "none"
`
	tests := []struct {
		name         string
		system, user string // "" means no file
		system2      string // a less important system file
		wantErr      string // substring; "" means success
		managed      bool   // the error wraps ErrManaged
		profile      string
		check        func(t *testing.T, f *File, sys, usr string)
	}{
		{name: "system only", system: systemProfile, profile: "work",
			check: func(t *testing.T, f *File, sys, _ string) {
				p := f.Profiles["work"]
				if p.Managed != sys || p.Origins["client_id"] != sys || p.Platform.ClientAppID != "fleet-app" {
					t.Errorf("managed %q, origin %q, app %q", p.Managed, p.Origins["client_id"], p.Platform.ClientAppID)
				}
				if f.DefaultProfile != "work" {
					t.Errorf("default profile %q", f.DefaultProfile)
				}
			}},
		{name: "user only", user: userOwn, profile: "mine",
			check: func(t *testing.T, f *File, _, usr string) {
				p := f.Profiles["mine"]
				if p.Managed != "" || p.Origins["issuer"] != usr || p.Locks("issuer") {
					t.Errorf("managed %q, origin %q", p.Managed, p.Origins["issuer"])
				}
			}},
		{name: "both, separate profiles", system: systemProfile, user: `default_profile = "mine"` + userOwn, profile: "mine",
			check: func(t *testing.T, f *File, _, _ string) {
				if len(f.Profiles) != 2 || f.DefaultProfile != "mine" {
					t.Errorf("profiles %v, default %q; want both, the user's default", f.Names(), f.DefaultProfile)
				}
			}},
		{name: "user changes an unlocked key", system: systemProfile, profile: "work",
			user: "[profiles.work]\nredirect_ports = [50001]\nscopes = [\"openid\"]\nca_file = \"/etc/ssl/corp.pem\"\n",
			check: func(t *testing.T, f *File, sys, usr string) {
				p := f.Profiles["work"]
				if !slices.Equal(p.RedirectPorts, []int{50001}) || p.Origins["redirect_ports"] != usr || p.Origins["client_id"] != sys || p.CAFile != "/etc/ssl/corp.pem" {
					t.Errorf("ports %v from %q, client_id from %q", p.RedirectPorts, p.Origins["redirect_ports"], p.Origins["client_id"])
				}
				if p.Managed != sys {
					t.Errorf("managed %q", p.Managed)
				}
			}},
		{name: "user repeats a locked key unchanged", system: systemProfile, profile: "work",
			user: "[profiles.work]\nclient_id = \"1example23456789abcdefghij\"\n"},
		{name: "user changes a locked key", system: systemProfile, profile: "work",
			user: "[profiles.work]\nclient_id = \"otherclient23456789abcdefg\"\n", wantErr: "client_id", managed: true},
		{name: "user changes the platform", system: systemProfile, profile: "work",
			user: "[profiles.work.platform]\nbase_url = \"https://evil.example.com/encode\"\n", wantErr: "platform.base_url", managed: true},
		{name: "user changes the issuer", system: systemProfile, profile: "work",
			user: "[profiles.work]\nissuer = \"https://evil.example.com\"\n", wantErr: "issuer", managed: true},
		{name: "user_may_change lets the user change it", profile: "work",
			system: strings.Replace(systemProfile, `scopes = ["openid", "email"]`, `scopes = ["openid", "email"]`+"\nuser_may_change = [\"client_id\"]", 1),
			user:   "[profiles.work]\nclient_id = \"otherclient23456789abcdefg\"\n",
			check: func(t *testing.T, f *File, _, usr string) {
				if p := f.Profiles["work"]; p.ClientID != "otherclient23456789abcdefg" || p.Origins["client_id"] != usr {
					t.Errorf("client id %q from %q", p.ClientID, p.Origins["client_id"])
				}
			}},
		{name: "user_may_change in the user file", user: strings.Replace(userOwn, "client_id = \"mine\"", "client_id = \"mine\"\nuser_may_change = [\"issuer\"]", 1), wantErr: "only the system config"},
		{name: "secret file in the user file", user: userOwn + "[profiles.x]\nissuer = \"https://a.example.com\"\nclient_id = \"x\"\n[profiles.x.platform]\nkind = \"encodify\"\nbase_url = \"https://w.example.com\"\nsite_id = \"1\"\nidp = \"c\"\nclient_app_id = \"a\"\nclient_app_secret_file = \"/tmp/s\"\n",
			wantErr: "only the system config"},
		{name: "unknown key in user_may_change", profile: "work",
			system:  strings.Replace(systemProfile, `scopes = ["openid", "email"]`, `scopes = ["openid", "email"]`+"\nuser_may_change = [\"scopes\"]", 1),
			wantErr: "not a key users are kept from changing"},
		{name: "more important system file wins", profile: "work", system: systemProfile,
			system2: strings.Replace(systemProfile, "fleet-app", "second-app", 1) + "[profiles.extra]\nissuer = \"https://x.example.com\"\nclient_id = \"x\"\n[profiles.extra.platform]\nkind = \"none\"\n",
			check: func(t *testing.T, f *File, sys, _ string) {
				if p := f.Profiles["work"]; p.Platform.ClientAppID != "fleet-app" || p.Managed != sys {
					t.Errorf("client app %q from %q; want the first file's", p.Platform.ClientAppID, p.Managed)
				}
				if _, ok := f.Profiles["extra"]; !ok {
					t.Error("the second system file's own profile is missing")
				}
			}},
		{name: "broken system file", system: "[profiles.work\n", wantErr: "your IT admin"},
		{name: "incomplete system profile", system: "[profiles.work]\nclient_id = \"x\"\n", wantErr: "your IT admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var system []string
			sys := filepath.Join(dir, "etc", "a", "ssohelper", "config.toml")
			if tt.system != "" {
				writeFile(t, dir, "etc/a/ssohelper/config.toml", tt.system)
			}
			system = append(system, sys)
			if tt.system2 != "" {
				system = append(system, writeFile(t, dir, "etc/b/ssohelper/config.toml", tt.system2))
			}
			usr := filepath.Join(dir, "home", "config.toml")
			if tt.user != "" {
				writeFile(t, dir, "home/config.toml", tt.user)
			}
			f, err := LoadMerged(system, usr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v; want an error containing %q", err, tt.wantErr)
				}
				if got := errors.Is(err, ErrManaged) || strings.Contains(err.Error(), ErrManaged.Error()); got != tt.managed {
					t.Errorf("managed error = %v; want %v (%v)", got, tt.managed, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Profile(tt.profile); err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, f, sys, usr)
			}
		})
	}
}

func TestCheckOverride(t *testing.T) {
	dir := t.TempDir()
	sys := writeFile(t, dir, "sys.toml", strings.Replace(systemProfile, `scopes = ["openid", "email"]`, `scopes = ["openid", "email"]`+"\nuser_may_change = [\"client_id\"]", 1))
	f, err := LoadMerged([]string{sys}, filepath.Join(dir, "none.toml"))
	if err != nil {
		t.Fatal(err)
	}
	p := f.Profiles["work"]
	for _, tt := range []struct {
		key, source string
		refused     bool
	}{
		{"issuer", "--issuer", true},
		{"issuer", "$SSOHELPER_ISSUER", true},
		{"client_id", "--client-id", false}, // listed in user_may_change
		{"redirect_ports", "--port", false}, // not locked
	} {
		err := p.CheckOverride(tt.key, tt.source)
		if (err != nil) != tt.refused || err != nil && (!errors.Is(err, ErrManaged) || !strings.Contains(err.Error(), tt.source) || !strings.Contains(err.Error(), sys)) {
			t.Errorf("%s from %s: got %v; want refused %v, naming the source and %s", tt.key, tt.source, err, tt.refused, sys)
		}
	}
	mine := Profile{Name: "mine"}
	if err := mine.CheckOverride("issuer", "--issuer"); err != nil {
		t.Errorf("an unmanaged profile: got %v; want nil", err)
	}
}

func TestSettingsOrigins(t *testing.T) {
	dir := t.TempDir()
	sys := writeFile(t, dir, "sys.toml", systemProfile)
	usr := writeFile(t, dir, "user.toml", "[profiles.work]\nlogin_timeout = \"2m\"\n")
	f, err := LoadMerged([]string{sys}, usr)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range f.Profiles["work"].Settings() {
		got[s.Key] = s
	}
	for key, want := range map[string]Setting{
		"user_pool_id":     {Value: "eu-west-1_AbC123", Origin: sys, Locked: true},
		"region":           {Value: "eu-west-1", Origin: OriginDerived, Locked: true},
		"scopes":           {Value: "openid, email", Origin: sys},
		"login_timeout":    {Value: "2m0s", Origin: usr},
		"redirect_ports":   {Value: "43110, 43111, 43112", Origin: OriginDefault},
		"platform.site_id": {Value: "36", Origin: sys, Locked: true},
	} {
		want.Key = key
		if got[key] != want {
			t.Errorf("%s: got %+v; want %+v", key, got[key], want)
		}
	}
	if _, ok := got["issuer"]; ok {
		t.Error("an unset key is listed")
	}
}

func TestSystemPaths(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		goos string
		env  map[string]string
		want []string
	}{
		{"linux", nil, []string{"/etc/xdg/ssohelper/config.toml"}},
		{"linux", map[string]string{"XDG_CONFIG_DIRS": "/etc/xdg/corp:relative:/etc/xdg"},
			[]string{"/etc/xdg/corp/ssohelper/config.toml", "/etc/xdg/ssohelper/config.toml"}},
		{"freebsd", map[string]string{"XDG_CONFIG_DIRS": "/usr/local/etc/xdg"},
			[]string{"/usr/local/etc/xdg/ssohelper/config.toml", "/etc/xdg/ssohelper/config.toml"}},
		{"darwin", nil, []string{"/Library/Application Support/ssohelper/config.toml"}},
		{"windows", map[string]string{"ProgramData": `D:\PD`}, []string{`D:\PD\ssohelper\config.toml`}},
		{"windows", nil, []string{`C:\ProgramData\ssohelper\config.toml`}},
	} {
		if got := SystemPaths(tt.goos, env(tt.env)); !slices.Equal(got, tt.want) {
			t.Errorf("%s %v: got %q; want %q", tt.goos, tt.env, got, tt.want)
		}
	}
}

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name    string
		mode    os.FileMode
		content string
		wantErr string
	}{
		{"owner only", 0o600, "s3cret-value\n", ""},
		{"group readable", 0o640, "s3cret-value", ""},
		{"world readable", 0o644, "s3cret-value", "world-readable"},
		{"group writable", 0o660, "s3cret-value", "group- or world-writable"},
		{"world writable", 0o602, "s3cret-value", "world-writable"},
		{"empty", 0o600, " \n", "is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			got, err := ReadSecretFile(path)
			if runtime.GOOS == "windows" && tt.mode != 0o600 && tt.content != " \n" {
				tt.wantErr = "" // ACLs, not modes, on Windows
			}
			switch {
			case tt.wantErr == "" && (err != nil || got != "s3cret-value"):
				t.Errorf("got %q, %v; want the secret", got, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrSecretFile)):
				t.Errorf("got %v; want an error containing %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "s3cret"):
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
	if _, err := ReadSecretFile(dir); err == nil || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("a directory: got %v", err)
	}
	if _, err := ReadSecretFile(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "IT admin") {
		t.Errorf("missing: got %v", err)
	}
}

func TestPreviewAndDiff(t *testing.T) {
	dir := t.TempDir()
	sys := writeFile(t, dir, "sys.toml", systemProfile)
	old, err := LoadMerged([]string{sys}, filepath.Join(dir, "none.toml"))
	if err != nil {
		t.Fatal(err)
	}
	next, err := Preview([]byte("[profiles.work]\nlogin_timeout = \"2m\"\n[profiles.mine]\nissuer = \"https://idp.example.com\"\nclient_id = \"c\"\n[profiles.mine.platform]\nkind = \"none\"\n"), "sent.toml", []string{sys})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range Diff(old, next) {
		got = append(got, c.String())
	}
	want := []string{"+ profile mine", "  work: login_timeout: 5m0s -> 2m0s"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
	for _, bad := range []struct{ data, want string }{
		{"[profiles.work]\nclient_id = \"zzz\"\n", "managed by your IT admin"},
		{"not toml", "sent.toml"},
		{"default_profile = \"x\"\n", "no [profiles.<name>] table"},
		{"[profiles.a]\nissuer = \"https://i.example.com\"\nclient_id = \"c\"\nbogus = 1\n[profiles.a.platform]\nkind = \"none\"\n", "unknown key"},
	} {
		if _, err := Preview([]byte(bad.data), "sent.toml", []string{sys}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: got %v; want an error containing %q", bad.data, err, bad.want)
		}
	}
}
