package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// validProfile returns a Cognito profile with an Encodify platform that passes Validate.
func validProfile() Profile {
	return Profile{
		Name:       "work",
		UserPoolID: "eu-west-1_AbC123",
		ClientID:   "abcdefghijklmnopqrstuvwxyz",
		LogoutURI:  "http://localhost:43110/signed-out",
		Platform: Platform{Kind: KindEncodify, BaseURL: "https://worker.example.com/encode",
			SiteID: "36", IdP: "cognito", ClientAppID: "app"},
	}.WithDefaults()
}

func TestValidateAcceptsValidProfiles(t *testing.T) {
	none := Platform{Kind: KindNone}
	generic := Profile{Name: "g", Issuer: "https://accounts.example.com", ClientID: "x", Platform: none}.WithDefaults()
	emulator := Profile{Name: "demo", Issuer: "http://127.0.0.1:41234/eu-west-1_SSOdemo1", ClientID: "7demo0client0ssohelper0abc", Platform: none}.WithDefaults()
	shortID := validProfile()
	shortID.ClientID = "abc" // Cognito's API allows 1 to 128 word characters; Validate only warns
	plusID := validProfile()
	plusID.ClientID = "Old_client+id_from_2016"
	gov := validProfile()
	gov.UserPoolID, gov.Region = "us-gov-west-1_X1", ""
	gov = gov.WithDefaults()
	endpoints := validProfile()
	endpoints.Endpoints = Endpoints{Authorization: "https://d.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
		Token: "https://d.auth.eu-west-1.amazoncognito.com/oauth2/token", JWKS: "https://[::1]:8443/jwks"}
	slash := Profile{Name: "a0", Issuer: "https://tenant.eu.auth0.com/", ClientID: "x", Platform: none}.WithDefaults()
	china := validProfile()
	china.UserPoolID, china.Region = "cn-north-1_X1", ""
	china = china.WithDefaults()
	for name, p := range map[string]Profile{"cognito": validProfile(), "generic": generic, "issuer with a slash": slash, "china": china,
		"emulator": emulator, "gov": gov, "endpoints": endpoints, "short client id": shortID, "client id with + and _": plusID} {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: got %v; want nil", name, err)
		}
	}
}

func TestValidateReportsEachProblem(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Profile)
		field  string
		hint   string
	}{
		{"no provider", func(p *Profile) { p.UserPoolID, p.Region = "", "" }, "user_pool_id", "neither"},
		{"both providers", func(p *Profile) { p.Issuer = "https://a.example.com" }, "issuer", "both set"},
		{"bad pool", func(p *Profile) { p.UserPoolID, p.Region = "eu-west-1-AbC", "" }, "user_pool_id", "eu-west-1_AbC123"},
		{"region mismatch", func(p *Profile) { p.Region = "us-east-1" }, "region", "does not match"},
		{"bad region", func(p *Profile) { p.Region = "Ireland" }, "region", "not an AWS region"},
		{"issuer region mismatch", func(p *Profile) {
			p.UserPoolID, p.Region, p.Issuer = "", "us-east-1", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A"
		}, "region", "issuer's region"},
		{"Cognito issuer with a slash", func(p *Profile) {
			p.UserPoolID, p.Issuer = "", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/"
		}, "issuer", "a Cognito issuer has none"},
		{"issuer http", func(p *Profile) { p.UserPoolID, p.Issuer = "", "http://a.example.com" }, "issuer", "plain http"},
		{"issuer relative", func(p *Profile) { p.UserPoolID, p.Issuer = "", "a.example.com" }, "issuer", "absolute"},
		{"issuer scheme", func(p *Profile) { p.UserPoolID, p.Issuer = "", "ftp://a.example.com" }, "issuer", "use https"},
		{"issuer default port", func(p *Profile) { p.UserPoolID, p.Issuer = "", "https://a.example.com:443/x" }, "issuer", "An error was encountered"},
		{"issuer credentials", func(p *Profile) { p.UserPoolID, p.Issuer = "", "https://u:p@a.example.com" }, "issuer", "password"},
		{"empty client", func(p *Profile) { p.ClientID = "" }, "client_id", "is empty"},
		{"long cognito client", func(p *Profile) { p.ClientID = strings.Repeat("a", 129) }, "client_id", "1 to 128"},
		{"cognito client with a dash", func(p *Profile) { p.ClientID = "abc-def" }, "client_id", "1 to 128"},
		{"cognito issuer client", func(p *Profile) {
			p.UserPoolID, p.Region, p.Issuer = "", "", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A"
			p.ClientID = "abc def"
		}, "client_id", "1 to 128"},
		{"no platform kind", func(p *Profile) { p.Platform = Platform{} }, "platform.kind", `kind = "none"`},
		{"no openid", func(p *Profile) { p.Scopes = []string{"email"} }, "scopes", "openid"},
		{"joined scopes", func(p *Profile) { p.Scopes = []string{"openid email"} }, "scopes", "own list entry"},
		{"timeout short", func(p *Profile) { p.LoginTimeout.Duration = time.Second }, "login_timeout", "10s"},
		{"timeout long", func(p *Profile) { p.LoginTimeout.Duration = 2 * time.Hour }, "login_timeout", "1h"},
		{"warn before short", func(p *Profile) { p.WarnBefore.Duration = time.Minute }, "warn_before", "1h"},
		{"warn before long", func(p *Profile) { p.WarnBefore.Duration = 1000 * time.Hour }, "warn_before", "720h"},
		{"no ports", func(p *Profile) { p.RedirectPorts = nil }, "redirect_ports", "1 to 5"},
		{"many ports", func(p *Profile) { p.RedirectPorts = []int{2001, 2002, 2003, 2004, 2005, 2006} }, "redirect_ports", "1 to 5"},
		{"low port", func(p *Profile) { p.RedirectPorts = []int{80} }, "redirect_ports", "1024 to 65535"},
		{"high port", func(p *Profile) { p.RedirectPorts = []int{70000} }, "redirect_ports", "1024 to 65535"},
		{"dup port", func(p *Profile) { p.RedirectPorts = []int{43110, 43110} }, "redirect_ports", "twice"},
		{"path no slash", func(p *Profile) { p.CallbackPath = "callback" }, "callback_path", "start it with"},
		{"path query", func(p *Profile) { p.CallbackPath = "/cb?x=1" }, "callback_path", "query"},
		{"logout 127", func(p *Profile) { p.LogoutURI = "http://127.0.0.1:43110/out" }, "logout_uri", "localhost"},
		{"logout no port", func(p *Profile) { p.LogoutURI = "http://localhost/out" }, "logout_uri", "localhost:<port>"},
		{"logout default port", func(p *Profile) { p.LogoutURI = "https://app.example.com:443/out" }, "logout_uri", "default port"},
		{"logout relative", func(p *Profile) { p.LogoutURI = "/out" }, "logout_uri", "absolute"},
		{"logout no path", func(p *Profile) { p.LogoutURI = "http://localhost:43110" }, "logout_uri", "plain path"},
		{"logout path with space", func(p *Profile) { p.LogoutURI = "http://localhost:43110/a%20b" }, "logout_uri", "plain path"},
		{"partial endpoints", func(p *Profile) { p.Endpoints.UserInfo = "https://a.example.com/userinfo" }, "endpoints.jwks", "together"},
		{"endpoint http", func(p *Profile) {
			p.Endpoints = Endpoints{Authorization: "http://a.example.com/a", Token: "https://a.example.com/t", JWKS: "https://a.example.com/j"}
		}, "endpoints.authorization", "plain http"},
		{"unknown kind", func(p *Profile) { p.Platform.Kind = "sharepoint" }, "platform.kind", "encodify"},
		{"no base url", func(p *Profile) { p.Platform.BaseURL = "" }, "platform.base_url", "is empty"},
		{"base url port", func(p *Profile) { p.Platform.BaseURL = "http://worker.example.com:80/encode" }, "platform.base_url", "default port"},
		{"site id", func(p *Profile) { p.Platform.SiteID = "site36" }, "platform.site_id", "numeric"},
		{"idp", func(p *Profile) { p.Platform.IdP = "my-idp" }, "platform.idp", "latin letters"},
		{"client app", func(p *Profile) { p.Platform.ClientAppID = "" }, "platform.client_app_id", "Client App Id"},
		{"fields without kind", func(p *Profile) { p.Platform.Kind = KindNone }, "platform.base_url", `kind = "encodify"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProfile()
			tt.modify(&p)
			var verr *ValidationError
			if err := p.Validate(); !errors.As(err, &verr) {
				t.Fatalf("got %v; want *ValidationError", err)
			}
			if !errors.Is(verr, ErrInvalid) {
				t.Errorf("got errors.Is(err, ErrInvalid) false; want true")
			}
			for _, pr := range verr.Problems {
				if pr.Field == tt.field && strings.Contains(pr.Message, tt.hint) {
					if got, want := pr.String(), "profile work: "+tt.field+": "; !strings.HasPrefix(got, want) {
						t.Errorf("got %q; want prefix %q", got, want)
					}
					if !strings.Contains(pr.Message, "; ") {
						t.Errorf("got %q; want a fix after \"; \"", pr.Message)
					}
					return
				}
			}
			t.Errorf("got %v; want a %s problem mentioning %q", verr, tt.field, tt.hint)
		})
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	p := Profile{Name: "bad", Scopes: []string{"email"}, RedirectPorts: []int{1}, CallbackPath: "x",
		LoginTimeout: Duration{time.Second}, Platform: Platform{Kind: "nope"}}
	var verr *ValidationError
	if !errors.As(p.Validate(), &verr) {
		t.Fatal("got nil error; want *ValidationError")
	}
	if got, want := len(verr.Problems), 7; got != want {
		t.Errorf("got %d problems; want %d:\n%v", got, want, verr)
	}
	if got, want := verr.Error(), "invalid config: 7 problems:\n  - profile bad: "; !strings.HasPrefix(got, want) {
		t.Errorf("got %q; want prefix %q", got, want)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name, clientID string
		cognito        bool
		want           string // "" for no warning
	}{
		{"usual cognito id", "1example23456789abcdefghij", true, ""},
		{"short cognito id", "abc", true, "check you copied the whole id"},
		{"cognito id with _", "abcdefghijklmnopqrstuvwx_z", true, "check you copied the whole id"},
		{"other provider", "abc", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProfile()
			p.ClientID = tt.clientID
			if !tt.cognito {
				p.UserPoolID, p.Region, p.Issuer = "", "", "https://accounts.example.com"
			}
			w := p.Warnings()
			switch {
			case tt.want == "" && len(w) != 0:
				t.Errorf("got %v; want no warning", w)
			case tt.want != "" && (len(w) != 1 || w[0].Field != "client_id" || !strings.Contains(w[0].Message, tt.want)):
				t.Errorf("got %v; want one client_id warning saying %q", w, tt.want)
			}
		})
	}
}
