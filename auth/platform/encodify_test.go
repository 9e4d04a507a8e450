package platform

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/transport"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// assertNoSecrets fails when s contains any test secret.
func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{testIDToken, testAppSecret, testAppToken, testRefreshToken, testAccessToken, "eyJ"} {
		if strings.Contains(s, secret) {
			t.Errorf("got %s %q; want no secret %q in it", what, s, secret)
		}
	}
}

func TestExchange(t *testing.T) {
	f := newFakePlatform(t)
	var logs bytes.Buffer
	e := f.client()
	e.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tok, err := e.Exchange(context.Background(), testIDToken)
	if err != nil {
		t.Fatalf("got %v; want nil", err)
	}
	want := Token{AccessToken: testAccessToken, RefreshToken: testRefreshToken, TokenType: "bearer",
		Scope: "site_36_internalApi", JTI: "jti-1", Expiry: testNow.Add(14400 * time.Second)}
	if *tok != want {
		t.Errorf("got %+v; want %+v", *tok, want)
	}
	form := f.tokenForms[0]
	if got := form.Get("grant_type") + " " + form.Get("client_id") + " " + form.Get("client_secret"); got != "client_credentials client-app "+testAppSecret {
		t.Errorf("got app token form %q; want client_credentials with the client app credentials", got)
	}
	if got, want := f.provisions[0], testIDToken; got != want {
		t.Errorf("got openIdToken %q; want the id_token", got)
	}
	if logs.Len() == 0 {
		t.Error("got no debug logs; want one per step")
	}
	assertNoSecrets(t, "logs", logs.String())
}

func TestExchangeErrors(t *testing.T) {
	big := `{"access_token":"` + strings.Repeat("a", maxBody) + `"}`
	tests := []struct {
		name      string
		appToken  http.HandlerFunc
		provision http.HandlerFunc
		secret    string
		want      error
		wantText  []string
	}{
		{name: "bad client secret", secret: "wrong-secret-value", want: ErrClientApp,
			wantText: []string{"check client_app_id", "ssohelper config set-secret platform", "HTTP 401", "invalid_client"}},
		{name: "client app echoes", appToken: answer(401, "invalid_client", "Bad client credentials"), want: ErrClientApp},
		{name: "grant not allowed", appToken: answer(400, "unauthorized_client", "no"), want: ErrClientApp,
			wantText: []string{"client_credentials"}},
		{name: "app scope", appToken: answer(400, "invalid_scope", "no"), want: ErrClientApp,
			wantText: []string{"site_36_provisionByOpenIdToken_cognito"}},
		{name: "app token down", appToken: answer(500, "server_error", "boom"), want: ErrUnavailable,
			wantText: []string{"try again later", "HTTP 500"}},
		{name: "app token not json", appToken: raw(200, "<html>"), want: ErrUnavailable},
		{name: "app token empty", appToken: raw(200, `{"token_type":"bearer"}`), want: ErrUnavailable},
		{name: "wrong base url", appToken: raw(404, "not here"), want: ErrUnavailable, wantText: []string{"base_url"}},
		{name: "app token scope", provision: answer(401, "invalid_token", "Invalid access token"), want: ErrClientApp,
			wantText: []string{"site_36_provisionByOpenIdToken_cognito"}},
		{name: "insufficient scope", provision: answer(403, "insufficient_scope", "Insufficient scope for this resource"), want: ErrClientApp,
			wantText: []string{"site_36_provisionByOpenIdToken_cognito"}},
		{name: "idp not found", provision: answer(404, "not_found", "Identity provider not found"), want: ErrIdPNotFound,
			wantText: []string{`"cognito"`, "site 36", "platform.site_id"}},
		{name: "invalid id token", provision: answer(401, "invalid_token", "OpenId token is not valid"), want: ErrInvalidIDToken,
			wantText: []string{"sign in again"}},
		{name: "malformed id token", provision: raw(400, `{"error":"invalid_request"}`), want: ErrInvalidIDToken},
		{name: "not allowed", provision: answer(403, "access_denied", "User is not allowed"), want: ErrNotAllowed,
			wantText: []string{"your account is not allowed on this platform (email domain or user blocked); ask your platform admin"}},
		{name: "provision down", provision: answer(502, "", "bad gateway"), want: ErrUnavailable},
		{name: "provision not json", provision: raw(200, `{"access_token":`), want: ErrUnavailable},
		{name: "provision too big", provision: raw(200, big), want: ErrUnavailable, wantText: []string{"1 MiB"}},
		{name: "provision teapot", provision: raw(418, ""), want: ErrUnavailable, wantText: []string{"unexpected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakePlatform(t)
			f.appToken, f.provision = tt.appToken, tt.provision
			e := f.client()
			if tt.secret != "" {
				e.ClientAppSecret = tt.secret
			}
			tok, err := e.Exchange(context.Background(), testIDToken)
			if tok != nil || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, %v; want nil, %v", tok, err, tt.want)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("got %T; want *Error", err)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q; want it to contain %q", err, w)
				}
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

func TestRetryAfter(t *testing.T) {
	f := newFakePlatform(t)
	f.provision = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	}
	_, err := f.client().Exchange(context.Background(), testIDToken)
	var perr *Error
	if !errors.As(err, &perr) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("got %v; want *Error wrapping ErrUnavailable", err)
	}
	if got, want := perr.RetryAfter, 7*time.Second; got != want {
		t.Errorf("got RetryAfter %v; want %v", got, want)
	}
	if got, want := retryAfter(testNow.Add(time.Minute).Format(http.TimeFormat), testNow), time.Minute; got != want {
		t.Errorf("got %v for an HTTP date; want %v", got, want)
	}
	if got := retryAfter("soon", testNow); got != 0 {
		t.Errorf("got %v for a bad header; want 0", got)
	}
}

func TestTransportFailures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })

	// A platform behind TLS inspection whose CA this machine lacks.
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(untrusted.Close)
	verifying, err := transport.Client(transport.Options{Getenv: func(string) string { return "" }, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		url      string
		client   *http.Client
		wantText string
	}{
		{"connection refused", closed.URL, nil, "connection refused"},
		{"timeout", slow.URL, &http.Client{Timeout: 50 * time.Millisecond}, "timed out"},
		{"certificate refused", untrusted.URL, verifying, "does not trust; if your network inspects TLS (a company proxy), set ca_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Encodify{BaseURL: tt.url, SiteID: "36", IdP: "cognito", ClientAppID: "a", ClientAppSecret: testAppSecret, HTTP: tt.client}
			_, err := e.Exchange(context.Background(), testIDToken)
			if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got %v; want ErrUnavailable saying %q", err, tt.wantText)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

func TestCancelledContext(t *testing.T) {
	f := newFakePlatform(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.client().Exchange(ctx, testIDToken)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v; want context.Canceled, not ErrUnavailable", err)
	}
}

func TestMissingSettings(t *testing.T) {
	full := Encodify{BaseURL: "https://p.example.com", SiteID: "36", IdP: "cognito", ClientAppID: "a", ClientAppSecret: "s"}
	tests := []struct {
		name     string
		modify   func(*Encodify)
		idToken  string
		want     error
		wantText string
	}{
		{"no secret", func(e *Encodify) { e.ClientAppSecret = "" }, testIDToken, ErrClientApp, "set-secret platform"},
		{"no client app", func(e *Encodify) { e.ClientAppID = "" }, testIDToken, ErrClientApp, "client_app_id"},
		{"no id token", func(e *Encodify) {}, "", ErrInvalidIDToken, "sign in again"},
		{"no base url", func(e *Encodify) { e.BaseURL = "" }, testIDToken, nil, "base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := full
			tt.modify(&e)
			_, err := e.Exchange(context.Background(), tt.idToken)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got %v; want %v saying %q", err, tt.want, tt.wantText)
			}
		})
	}
}
