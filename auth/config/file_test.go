package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseExample(t *testing.T) {
	f, err := Parse([]byte(Example()))
	if err != nil {
		t.Fatalf("got %v; want the example to be valid", err)
	}
	p, err := f.Profile("")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Name, "work"; got != want {
		t.Errorf("got name %q; want %q", got, want)
	}
	if got, want := p.IssuerURL(), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"; got != want {
		t.Errorf("got issuer %q; want %q", got, want)
	}
	if got, want := p.Platform.Kind, KindEncodify; got != want {
		t.Errorf("got kind %q; want %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"unknown key", "[profiles.w]\nissuer = \"https://a.example.com\"\nclient_id = \"c\"\nclientid = \"x\"\n",
			[]string{"line 4: profiles.w.clientid: unknown key"}},
		{"unknown platform key", "[profiles.w]\nissuer = \"https://a.example.com\"\nclient_id = \"c\"\n[profiles.w.platform]\nsecret = \"s\"\n",
			[]string{"line 5: profiles.w.platform.secret: unknown key"}},
		{"syntax", "[profiles.w]\nissuer = https://a\n", []string{"line 2, column"}},
		{"wrong type", "[profiles.w]\nredirect_ports = \"43110\"\n", []string{"line 2"}},
		{"bad duration", "[profiles.w]\n\nlogin_timeout = \"5 minutes\"\n", []string{"line 3", `"5m"`}},
		{"invalid profile", "[profiles.w]\nissuer = \"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/\"\nclient_id = \"c\"\n",
			[]string{"profile w: issuer: ends with \"/\"; a Cognito issuer has none"}},
		{"bad default", "default_profile = \"home\"\n[profiles.w]\nissuer = \"https://a.example.com\"\nclient_id = \"c\"\n",
			[]string{`default_profile: "home" is not a profile`, `"w"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v; want an ErrInvalid error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q; want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestProfileSelection(t *testing.T) {
	one := &File{Profiles: map[string]Profile{"a": {}}}
	two := &File{Profiles: map[string]Profile{"a": {}, "b": {}}}
	withDefault := &File{DefaultProfile: "b", Profiles: two.Profiles}
	tests := []struct {
		name     string
		f        *File
		arg      string
		wantName string
		wantErr  error
		wantText string
	}{
		{"only profile", one, "", "a", nil, ""},
		{"default", withDefault, "", "b", nil, ""},
		{"named", two, "a", "a", nil, ""},
		{"empty file", &File{}, "", "", ErrNoProfile, "[profiles.<name>]"},
		{"ambiguous", two, "", "", ErrNoProfile, `"a", "b"`},
		{"unknown", two, "c", "", ErrUnknownProfile, `known profiles: "a", "b"; add it as a [profiles.c]`},
		{"unknown in empty", &File{}, "c", "", ErrUnknownProfile, "known profiles: none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.f.Profile(tt.arg)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v; want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got %q; want it to contain %q", err, tt.wantText)
			}
			if p.Name != tt.wantName {
				t.Errorf("got name %q; want %q", p.Name, tt.wantName)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if err != nil {
		t.Fatalf("got %v; want nil", err)
	}
	if got := len(f.Profiles); got != 0 {
		t.Errorf("got %d profiles; want 0", got)
	}
}

func TestLoadNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("bogus = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 1: bogus: unknown key") {
		t.Errorf("got %v; want an error naming %s, the line and the key", err, path)
	}
}

func TestSaveRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.toml")
	orig, err := Parse([]byte(Example()))
	if err != nil {
		t.Fatal(err)
	}
	if err := orig.Save(path); err != nil {
		t.Fatalf("got %v; want nil", err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range got.Profiles {
		if p.Origins["user_pool_id"] != path {
			t.Errorf("origin of user_pool_id = %q; want %s", p.Origins["user_pool_id"], path)
		}
		p.Origins = nil
		got.Profiles[name] = p
	}
	if !reflect.DeepEqual(got, orig) {
		t.Errorf("got %+v; want %+v", got, orig)
	}
	data, _ := os.ReadFile(path)
	for _, absent := range []string{"scopes", "redirect_ports", "login_timeout", "region"} {
		if strings.Contains(string(data), absent) {
			t.Errorf("got %q in the saved file; want defaults left out:\n%s", absent, data)
		}
	}
	assertMode(t, path, 0o600)
	assertMode(t, filepath.Dir(path), 0o700|os.ModeDir)
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("got %d entries in the directory; want only config.toml", len(entries))
	}
}

func TestSaveKeepsNonDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	f := &File{Profiles: map[string]Profile{"w": validProfile()}}
	p := f.Profiles["w"]
	p.RedirectPorts, p.LoginTimeout.Duration = []int{50001}, 90*time.Second
	f.Profiles["w"] = p
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{"redirect_ports = [50001]", "login_timeout = '1m30s'"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("got:\n%s\nwant it to contain %q", data, want)
		}
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode(); got != want {
		t.Errorf("%s: got mode %v; want %v", path, got, want)
	}
}

func TestPath(t *testing.T) {
	t.Setenv(EnvConfig, "/tmp/x.toml")
	if got, _ := Path(); got != "/tmp/x.toml" {
		t.Errorf("got %q; want /tmp/x.toml", got)
	}
	t.Setenv(EnvConfig, "")
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	t.Setenv("HOME", "/home/u")
	t.Setenv("AppData", `C:\AppData`)
	got, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got, filepath.Join("ssohelper", "config.toml")) {
		t.Errorf("got %q; want .../ssohelper/config.toml", got)
	}
}

// TestProfileNames: a name the secret store cannot hold is refused at
// validation, before any browser opens.
func TestProfileNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"work", true}, {"Work-2_b.eu", true}, {strings.Repeat("a", 64), true},
		{"my work", false}, {"café", false}, {"../x", false}, {"a/b", false}, {"a..b", false},
		{".hidden", false}, {"nul\x00x", false}, {strings.Repeat("a", 65), false}, {strings.Repeat("a", 5000), false},
		{"esc\x1b[31m", false},
	} {
		key := tomlKey(tt.name)
		doc := fmt.Sprintf("[profiles.%s]\nissuer = \"https://login.example.com\"\nclient_id = \"c\"\n[profiles.%s.platform]\nkind = \"none\"\n", key, key)
		_, err := Parse([]byte(doc))
		if tt.ok != (err == nil) {
			t.Errorf("%q: got %v; want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if err == nil {
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "1 to 64 ASCII letters") || len(msg) > 400 || strings.ContainsAny(msg, "\x00\x1b") {
			t.Errorf("%q: message %q; want the rule, short, with the name escaped", tt.name, msg)
		}
	}
}

// tomlKey quotes s as a TOML basic string, control characters escaped.
func tomlKey(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04x", r)
		case r == '"' || r == '\\':
			b.WriteString("\\" + string(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
