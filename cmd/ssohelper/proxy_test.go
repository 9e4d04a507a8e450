package main

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/transport"
)

// connectProxy is a forward proxy that only tunnels (CONNECT) to the
// hosts in routes, which it alone can resolve, and counts the tunnels.
type connectProxy struct {
	srv    *http.Server
	addr   string
	routes map[string]string // "idp.test:443" -> "127.0.0.1:41234"

	mu      sync.Mutex
	tunnels map[string]int
}

func newConnectProxy(t *testing.T, routes map[string]string) *connectProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &connectProxy{addr: ln.Addr().String(), routes: routes, tunnels: map[string]int{}}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln)
	t.Cleanup(func() { p.srv.Close() })
	return p
}

func (p *connectProxy) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "this proxy only tunnels", http.StatusMethodNotAllowed)
		return
	}
	dst, ok := p.routes[r.Host]
	if !ok {
		http.Error(w, "unknown host "+r.Host, http.StatusBadGateway)
		return
	}
	up, err := net.DialTimeout("tcp", dst, 5*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	p.tunnels[r.Host]++
	p.mu.Unlock()
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		io.Copy(up, buf) // what the client sent after the CONNECT
		up.Close()
	}()
	io.Copy(conn, up)
	conn.Close()
}

func (p *connectProxy) count(host string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tunnels[host]
}

// TestProxyAndCA signs in, refreshes and runs doctor against an HTTPS
// emulator under a host name (idp.test) that only the test's forward
// proxy can reach, with a certificate from a test CA that only ca_file
// trusts: HTTPS_PROXY is honoured for the provider and the platform, the
// loopback callback is not proxied, and a TLS failure says which host
// and certificate and points at ca_file.
func TestProxyAndCA(t *testing.T) {
	ca, err := authtest.NewCA("Corp Inspection CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(time.Time{}, time.Time{}, "idp.test")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, authtest.Options{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}, Host: "idp.test"})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(h.srv.URL(), "https://"))
	target := "idp.test:" + port
	proxy := newConnectProxy(t, map[string]string{target: "127.0.0.1:" + port})
	h.env["HTTPS_PROXY"] = "http://" + proxy.addr

	caFile := filepath.Join(h.dir, "corp-ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}

	// The browser on this machine uses the same proxy and trusts the CA.
	browserTransport := http.DefaultTransport.(*http.Transport).Clone()
	browserTransport.Proxy = transport.ProxyFunc(func(k string) string { return h.env[k] })
	browserTransport.TLSClientConfig = &tls.Config{RootCAs: ca.Pool()}
	jar, _ := cookiejar.New(nil)
	browser := &authtest.Browser{Username: "designer", Password: "Design-2026!",
		HTTP: &http.Client{Transport: browserTransport, Jar: jar, Timeout: 10 * time.Second}}
	opener := openerFunc(browser.Open)

	// Without ca_file: refused, naming the host, the certificate and ca_file.
	if code := h.run(context.Background(), opener, "login"); code == exitOK {
		t.Fatal("signed in without trusting the test CA")
	}
	for _, want := range []string{"idp.test", `subject "idp.test", issued by "Corp Inspection CA"`, "set ca_file"} {
		if !strings.Contains(h.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, h.stderr.String())
		}
	}
	if proxy.count(target) == 0 {
		t.Fatal("the proxy saw no CONNECT to the provider")
	}

	// With ca_file: sign in, refresh and doctor all go through the proxy.
	h.writeProfile(func(p *config.Profile) { p.CAFile = caFile })
	before := proxy.count(target)
	h.mustRun(opener, "login")
	afterLogin := proxy.count(target)
	if afterLogin == before {
		t.Error("sign-in made no tunnel through the proxy")
	}
	if h.srv.Counts().Provision == 0 {
		t.Error("the platform exchange did not happen")
	}
	h.editSession(func(s *auth.SignIn) { s.Platform.Expiry = time.Now().Add(time.Minute) })
	h.mustRun(nil, "token") // refreshes: the platform token is about to expire
	if proxy.count(target) == afterLogin {
		t.Error("the refresh made no tunnel through the proxy")
	}
	h.mustRun(nil, "doctor")
	for _, want := range []string{"PASS  discovery", "PASS  keys", "PASS  authorize", "PASS  token endpoint", "PASS  platform",
		"HTTPS_PROXY=http://" + proxy.addr, "ca bundle: the system's authorities plus " + caFile + " (1 certificate)"} {
		if !strings.Contains(h.stdout.String(), want) {
			t.Errorf("doctor lacks %q:\n%s", want, h.stdout.String())
		}
	}
}
