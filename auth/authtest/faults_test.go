package authtest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		wantStatus []int    // per request, three requests
		wantBody   []string // "" = do not check
	}{
		{"status and body", Fault{Status: 503, Body: `{"message":"down"}`},
			[]int{503, 503, 503}, []string{`{"message":"down"}`, "", ""}},
		{"malformed body", Fault{Status: 200, Body: `{"access_token":`, Times: 1},
			[]int{200, 200, 200}, []string{`{"access_token":`, "", ""}},
		{"times", Fault{Status: 500, Times: 2},
			[]int{500, 500, 200}, nil},
		{"delay only", Fault{Delay: time.Millisecond},
			[]int{200, 200, 200}, nil},
		{"retry-after header", Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}, Times: 1},
			[]int{429, 200, 200}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.s.SetFault("/platform/oauth/token", tt.fault)
			app := DemoPlatformApp()
			for i, want := range tt.wantStatus {
				req, _ := http.NewRequest(http.MethodPost, e.s.PlatformURL()+"/oauth/token",
					strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth(app.ID, app.Secret)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if got := resp.StatusCode; got != want {
					t.Errorf("request %d: got status %d; want %d", i, got, want)
				}
				if i < len(tt.wantBody) && tt.wantBody[i] != "" {
					if got, want := string(body), tt.wantBody[i]; got != want {
						t.Errorf("request %d: got body %q; want %q", i, got, want)
					}
				}
				if resp.StatusCode == 429 {
					if got, want := resp.Header.Get("Retry-After"), "1"; got != want {
						t.Errorf("got Retry-After %q; want %q", got, want)
					}
				}
			}
			if got, want := e.s.Counts().AppToken, len(tt.wantStatus); got != want {
				t.Errorf("got Counts().AppToken %d; want %d (faulted requests count)", got, want)
			}
		})
	}
}

func TestClearFaults(t *testing.T) {
	e := newEnv(t, nil)
	e.s.SetFault("/oauth2/token", Fault{Status: 500})
	e.s.SetFault(e.s.ProvisionPath(), Fault{Status: 502})
	e.s.ClearFaults()
	status, body := post(t, e.s.URL()+"/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {testClientID}, "refresh_token": {"x"}}, "", "")
	if got, want := status, http.StatusBadRequest; got != want {
		t.Errorf("got status %d; want %d", got, want)
	}
	if got, want := body["error"], "invalid_grant"; got != want {
		t.Errorf("got error %v; want %v", got, want)
	}
}

// TestDiscoveryHook: the hook bends the served discovery document until it
// is cleared.
func TestDiscoveryHook(t *testing.T) {
	e := newEnv(t, nil)
	issuer := func() any {
		t.Helper()
		status, doc := send(t, mustRequest(t, http.MethodGet, e.s.Issuer()+"/.well-known/openid-configuration"))
		if status != http.StatusOK {
			t.Fatalf("got status %d; want 200", status)
		}
		return doc["issuer"]
	}
	tests := []struct {
		name string
		hook func(map[string]any)
		want string
	}{
		{"other issuer", func(d map[string]any) { d["issuer"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" },
			"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"},
		{"trailing slash", func(d map[string]any) { d["issuer"] = d["issuer"].(string) + "/" }, e.s.Issuer() + "/"},
		{"cleared", nil, e.s.Issuer()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.s.SetDiscoveryHook(tt.hook)
			if got, want := issuer(), any(tt.want); got != want {
				t.Errorf("got issuer %v; want %v", got, want)
			}
		})
	}
}

func mustRequest(t *testing.T, method, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
