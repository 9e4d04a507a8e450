package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
	"github.com/ssohelper/ssohelper/auth/transport"
)

// check is one line of doctor's checklist.
type check struct {
	Name   string `json:"name"`
	Status string `json:"status"` // pass, warn, fail
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// doctorTimeout bounds each network check.
const doctorTimeout = 5 * time.Second

func (a *app) doctorCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the profile's set-up end to end, without signing in",
		Long: `doctor checks what a sign-in needs, without signing in: the config, the
provider's discovery document and keys, that the authorize endpoint accepts
this client, callback URL and scopes, the token endpoint, the loopback
ports, localhost, the clock, the keyring, proxies and the platform's client
app. Each line says pass, warn or fail, and how to fix a failure. It ends
with the exact callback and sign-out URLs to register. Exit code 0 only
when nothing fails. --format json prints the checklist on stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usagef("--format must be text or json")
			}
			checks, urls := a.doctor(cmd.Context())
			failed := 0
			for _, c := range checks {
				if c.Status == "fail" {
					failed++
				}
			}
			if format == "json" {
				_ = json.NewEncoder(a.env.Stdout).Encode(map[string]any{"checks": checks, "register": urls, "failed": failed})
			} else {
				for _, c := range checks {
					fmt.Fprintf(a.env.Stdout, "%-4s  %s: %s\n", strings.ToUpper(c.Status), c.Name, c.Detail)
					if c.Fix != "" {
						fmt.Fprintf(a.env.Stdout, "      fix: %s\n", c.Fix)
					}
				}
				if len(urls) > 0 {
					fmt.Fprintln(a.env.Stdout, "Register these URLs on the app client (exactly as written):")
					for _, u := range urls {
						fmt.Fprintf(a.env.Stdout, "  %s\n", u)
					}
				}
			}
			if failed > 0 {
				return &reported{fmt.Errorf("%d checks failed", failed)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

// doctor runs the checks in order; a failure that makes later ones
// meaningless stops there.
func (a *app) doctor(ctx context.Context) ([]check, []string) {
	var out []check
	add := func(name, status, detail, fix string) {
		out = append(out, check{Name: name, Status: status, Detail: sanitize.Text(detail), Fix: fix})
	}
	p, err := a.profile(config.Overrides{})
	if err != nil {
		add("config", "fail", err.Error(), "fix the config file ('ssohelper config validate' shows every problem)")
		return out, nil
	}
	add("config", "pass", fmt.Sprintf("profile %s is valid (issuer %s)", p.Name, p.IssuerURL()), "")
	add("settings", "pass", strings.Join(originSummary(p), "; "), "")
	var urls []string
	for _, port := range p.RedirectPorts {
		urls = append(urls, "callback: "+p.RedirectURI(port))
	}
	if p.LogoutURI != "" {
		urls = append(urls, "sign-out: "+p.LogoutURI)
	}

	// Local: ports, localhost, keyring, proxies.
	for _, port := range p.RedirectPorts {
		if err := portFree(port); err != nil {
			add(fmt.Sprintf("port %d", port), "warn", err.Error(), "stop what holds it, or another listed port is used (all busy: sign-in fails)")
		} else {
			add(fmt.Sprintf("port %d", port), "pass", "free on 127.0.0.1 and [::1]", "")
		}
	}
	add(localhostCheck())
	add(a.keyringCheck(ctx))
	add("proxy", "pass", transport.DescribeProxy(a.env.Getenv), "")
	add(caCheck(p.CAFile))

	// The provider.
	dctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	hc := a.httpFor(p)
	prov := &auth.Provider{Profile: p, HTTP: hc, Now: a.env.Now}
	meta, err := prov.Metadata(dctx)
	if err != nil {
		add("discovery", "fail", err.Error(), "check the user pool id, region or issuer, and the network")
		return out, urls
	}
	add("discovery", "pass", fmt.Sprintf("%s answers; its issuer matches exactly", hostOf(meta.Issuer)), "")
	add(clockCheck(ctx, hc, p.IssuerURL(), a.env.Now))
	add(jwksCheck(ctx, hc, meta.JWKSURI))
	add(a.authorizeCheck(ctx, p, meta.AuthorizationEndpoint))
	add(tokenEndpointCheck(ctx, hc, meta.TokenEndpoint))

	// The platform.
	if p.Platform.Kind == config.KindEncodify {
		ex, err := a.exchanger(ctx, p)
		if err != nil {
			add("platform", "fail", err.Error(), "store the client app secret: 'ssohelper config set-secret platform'")
		} else {
			pctx, cancel := context.WithTimeout(ctx, doctorTimeout)
			defer cancel()
			if err := ex.CheckClientApp(pctx); err != nil {
				add("platform", "fail", err.Error(), "check platform.client_app_id and its secret, and the platform's base_url")
			} else {
				add("platform", "pass", fmt.Sprintf("%s accepts the client app %s (client credentials; token thrown away)", hostOf(p.Platform.BaseURL), p.Platform.ClientAppID), "")
			}
		}
	}
	return out, urls
}

// portFree checks a callback port binds on both loopback addresses.
func portFree(port int) error {
	for _, addr := range []string{"127.0.0.1", "::1"} {
		l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err != nil {
			if addr == "::1" && strings.Contains(err.Error(), "assign requested address") {
				continue // no IPv6 loopback
			}
			return fmt.Errorf("busy on %s: %v", addr, err)
		}
		l.Close()
	}
	return nil
}

// localhostCheck: the callback URLs say localhost; it must mean loopback.
func localhostCheck() (string, string, string, string) {
	ctx, cancel := context.WithTimeout(context.Background(), doctorTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, "localhost")
	if err != nil {
		return "localhost", "fail", err.Error(), "add '127.0.0.1 localhost' to the hosts file"
	}
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return "localhost", "fail", fmt.Sprintf("resolves to %s, not a loopback address", a.IP), "fix the hosts file: localhost must be 127.0.0.1 and ::1 only"
		}
	}
	return "localhost", "pass", fmt.Sprintf("resolves to loopback only (%s)", plural(len(addrs), "address", "addresses")), ""
}

// keyringCheck reads the vault key's entry: it answers and is unlocked,
// or the file store is in use.
func (a *app) keyringCheck(ctx context.Context) (string, string, string, string) {
	st, err := a.store()
	if err != nil {
		return "keyring", "fail", err.Error(), "start a keyring (a Secret Service such as gnome-keyring), or use --insecure-file-store"
	}
	if a.fileStore() {
		return "keyring", "warn", "the file store is in use: " + st.Describe() + "; anyone who can read your files can read your tokens", ""
	}
	ctx, cancel := context.WithTimeout(ctx, 2*keyringTimeout)
	defer cancel()
	if err := st.Check(ctx); err != nil {
		return "keyring", "fail", err.Error(), "unlock the keyring, or start one"
	}
	return "keyring", "pass", st.Describe() + " answers", ""
}

// caCheck says which certificate authorities are trusted: the system's,
// plus the profile's ca_file when it names one (which must hold PEM
// certificates).
func caCheck(caFile string) (string, string, string, string) {
	if caFile == "" {
		return "ca bundle", "pass", "the system's authorities", ""
	}
	if _, err := transport.Roots(caFile); err != nil {
		return "ca bundle", "fail", err.Error(), "point ca_file at your company's CA bundle in PEM form, or remove it"
	}
	data, _ := os.ReadFile(caFile)
	return "ca bundle", "pass", fmt.Sprintf("the system's authorities plus %s (%s)", caFile, plural(transport.CountCerts(data), "certificate", "certificates")), ""
}

// clockCheck compares the clock with the provider's Date header.
func clockCheck(ctx context.Context, hc *http.Client, issuer string, now func() time.Time) (string, string, string, string) {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return "clock", "warn", err.Error(), ""
	}
	resp, err := client(hc).Do(req)
	if err != nil {
		return "clock", "warn", "no answer to compare with: " + err.Error(), ""
	}
	resp.Body.Close()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return "clock", "warn", "the provider sent no Date header to compare with", ""
	}
	skew := now().Sub(date)
	if skew < 0 {
		skew = -skew
	}
	if skew > 2*time.Minute {
		return "clock", "fail", fmt.Sprintf("this machine's clock is %s off the provider's", skew.Round(time.Second)), "set the clock automatically (NTP): tokens are refused as not yet valid or expired"
	}
	return "clock", "pass", fmt.Sprintf("within %s of %s", skew.Round(time.Second), hostOf(issuer)), ""
}

// jwksCheck: the key set answers and has an RS256 key.
func jwksCheck(ctx context.Context, hc *http.Client, jwksURI string) (string, string, string, string) {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jwksURI, nil)
	if err != nil {
		return "keys", "fail", err.Error(), ""
	}
	resp, err := client(hc).Do(req)
	if err != nil {
		return "keys", "fail", err.Error(), "check the network to " + hostOf(jwksURI)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kty, Alg, Use string } `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil || resp.StatusCode != http.StatusOK {
		return "keys", "fail", fmt.Sprintf("%s answered %d without a key set", hostOf(jwksURI), resp.StatusCode), ""
	}
	for _, k := range set.Keys {
		if k.Kty == "RSA" && (k.Alg == "" || k.Alg == "RS256") && (k.Use == "" || k.Use == "sig") {
			return "keys", "pass", fmt.Sprintf("%s, with an RS256 signing key", plural(len(set.Keys), "key", "keys")), ""
		}
	}
	return "keys", "fail", fmt.Sprintf("%s, none for RS256 signatures", plural(len(set.Keys), "key", "keys")), "the provider must sign id_tokens with RS256"
}

// authorizeCheck asks the authorize endpoint for a sign-in page with this
// client, callback URL and scopes, without following redirects: a login
// page means they are accepted; otherwise auth.ProbeAuthorize says what
// the answer means and how to fix it.
func (a *app) authorizeCheck(ctx context.Context, p config.Profile, endpoint string) (string, string, string, string) {
	verifier := make([]byte, 32)
	_, _ = rand.Read(verifier)
	redirect := p.RedirectURI(p.RedirectPorts[0])
	q := url.Values{"response_type": {"code"}, "client_id": {p.ClientID}, "redirect_uri": {redirect},
		"scope": {strings.Join(p.Scopes, " ")}, "state": {"doctor"}, "nonce": {"doctor"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(verifier)}, "code_challenge_method": {"S256"}}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "authorize", "fail", err.Error(), ""
	}
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	r, err := auth.ProbeAuthorize(ctx, a.httpFor(p), p, u.String(), redirect)
	switch {
	case err != nil:
		return "authorize", "fail", err.Error(), "check the network to " + hostOf(endpoint)
	case r != nil:
		return "authorize", "fail", r.Detail, r.Fix
	}
	return "authorize", "pass", "accepts client " + p.ClientID + ", " + redirect + " and the scopes (a sign-in page answers)", ""
}

// tokenEndpointCheck: the token endpoint answers an empty request with an
// OAuth error, as it should (no sign-in needed).
func tokenEndpointCheck(ctx context.Context, hc *http.Client, endpoint string) (string, string, string, string) {
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader("grant_type=authorization_code"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client(hc).Do(req)
	if err != nil {
		return "token endpoint", "fail", err.Error(), "check the network to " + hostOf(endpoint)
	}
	defer resp.Body.Close()
	var e struct {
		Error string `json:"error"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e) != nil || e.Error == "" {
		return "token endpoint", "fail", fmt.Sprintf("%s answered HTTP %d without an OAuth error", hostOf(endpoint), resp.StatusCode), ""
	}
	return "token endpoint", "pass", fmt.Sprintf("%s answers (%s to an empty request)", hostOf(endpoint), e.Error), ""
}

func client(hc *http.Client) *http.Client {
	if hc == nil {
		return &http.Client{Timeout: doctorTimeout}
	}
	return hc
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
