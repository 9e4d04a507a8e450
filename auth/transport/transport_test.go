package transport

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestProxyFunc(t *testing.T) {
	proxied := map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "intranet.corp,.internal"}
	for _, tt := range []struct {
		name string
		env  map[string]string
		url  string
		want string // "" for direct
	}{
		{"provider through the proxy", proxied, "https://cognito-idp.eu-west-1.amazonaws.com/x", "http://proxy.corp:3128"},
		{"lower-case variable", map[string]string{"https_proxy": "http://p.corp:8080"}, "https://idp.example.com/", "http://p.corp:8080"},
		{"NO_PROXY host", proxied, "https://intranet.corp/encode", ""},
		{"NO_PROXY domain", proxied, "https://worker.internal/encode", ""},
		{"loopback IPv4 never", proxied, "http://127.0.0.1:43110/callback", ""},
		{"loopback IPv6 never", proxied, "http://[::1]:43110/callback", ""},
		{"localhost never", proxied, "http://localhost:43110/callback", ""},
		{"plain http uses HTTP_PROXY only", proxied, "http://idp.example.com/", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.url)
			got, err := ProxyFunc(envOf(tt.env))(&http.Request{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			if gs := urlString(got); gs != tt.want {
				t.Errorf("proxy for %s = %q; want %q", tt.url, gs, tt.want)
			}
		})
	}
}

func urlString(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.String()
}

func TestDescribeProxy(t *testing.T) {
	got := DescribeProxy(envOf(map[string]string{"HTTPS_PROXY": "http://dana:hunter2@proxy.corp:3128"}))
	if strings.Contains(got, "hunter2") || !strings.Contains(got, "proxy.corp:3128") || !strings.Contains(got, "loopback never proxied") {
		t.Errorf("got %q", got)
	}
}

// tlsServer serves 200 with the certificate issued by ca for hosts.
func tlsServer(t *testing.T, ca *authtest.CA, notBefore, notAfter time.Time, hosts ...string) *httptest.Server {
	t.Helper()
	cert, err := ca.Issue(notBefore, notAfter, hosts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestClientCAAndTLSErrors(t *testing.T) {
	ca, err := authtest.NewCA("Corp Inspection CA")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	caFile := filepath.Join(dir, "corp.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	good := tlsServer(t, ca, time.Time{}, time.Time{}, "127.0.0.1")
	wrongName := tlsServer(t, ca, time.Time{}, time.Time{}, "other.example.com")
	expired := tlsServer(t, ca, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), "127.0.0.1")

	get := func(caFile, url string) error {
		c, err := Client(Options{Getenv: envOf(nil), CAFile: caFile, Timeout: 10 * time.Second})
		if err != nil {
			return err
		}
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for _, tt := range []struct {
		name, caFile, url string
		want              []string // "" means success
	}{
		{"ca_file trusted", caFile, good.URL, nil},
		{"no ca_file", "", good.URL, []string{good.Listener.Addr().String(), `subject "127.0.0.1", issued by "Corp Inspection CA"`, "does not trust", "set ca_file"}},
		{"wrong name", caFile, wrongName.URL, []string{"is for other.example.com", "not 127.0.0.1"}},
		{"expired", caFile, expired.URL, []string{"expired or not yet valid", "clock"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := get(tt.caFile, tt.url)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrTLS) {
				t.Fatalf("got %v; want ErrTLS", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
		})
	}

	// A ca_file that is not usable is refused with what to fix.
	notPEM := filepath.Join(dir, "corp.der")
	if err := os.WriteFile(notPEM, []byte("binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{notPEM, "holds no PEM certificate"},
		{filepath.Join(dir, "missing.pem"), "fix ca_file"},
		{dir, "is not a PEM file"},
	} {
		if _, err := Client(Options{Getenv: envOf(nil), CAFile: tt.file}); !errors.Is(err, ErrCAFile) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v; want ErrCAFile containing %q", tt.file, err, tt.want)
		}
	}
	if n := CountCerts(append(ca.PEM(), ca.PEM()...)); n != 2 {
		t.Errorf("CountCerts = %d; want 2", n)
	}
}
