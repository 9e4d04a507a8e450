package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
)

var t0 = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

func signedIn(platformLeft time.Duration) *auth.SignIn {
	return &auth.SignIn{
		Profile: "work", Claims: auth.Claims{Name: "Dana Designer", Email: "dana@example.com", Groups: []string{"Designers", "Local"},
			Custom: map[string]string{"access_right": "Local Company"}},
		Expiry:     t0.Add(time.Hour),
		Platform:   &platform.Token{Scope: "site_36_internalApi", Expiry: t0.Add(platformLeft)},
		SessionEnd: t0.Add(30 * 24 * time.Hour),
	}
}

func TestViewOf(t *testing.T) {
	tests := []struct {
		name  string
		state State
		check func(t *testing.T, v View)
	}{
		{"first run", State{Phase: PhaseFirstRun}, func(t *testing.T, v View) {
			if !v.Import.Enabled || !v.EnterDetails.Enabled || v.SignIn.Label != "" {
				t.Errorf("got %+v; want import and enter-details only", v)
			}
		}},
		{"signed out, one profile", State{Phase: PhaseSignedOut, Profile: "work", Profiles: []string{"work"}, Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X"}, func(t *testing.T, v View) {
			if v.Heading != "Not signed in" || !v.SignIn.Enabled || v.ShowProfiles || !strings.Contains(v.Text, "cognito-idp.eu-west-1.amazonaws.com") {
				t.Errorf("got %+v", v)
			}
		}},
		{"signed out, two profiles: picker", State{Phase: PhaseSignedOut, Profile: "work", Profiles: []string{"test", "work"}}, func(t *testing.T, v View) {
			if !v.ShowProfiles {
				t.Errorf("got no profile picker")
			}
		}},
		{"waiting", State{Phase: PhaseWaiting, Profile: "work", Profiles: []string{"a", "work"}, Now: t0, Deadline: t0.Add(4*time.Minute + 32*time.Second), AuthURL: "https://x/authorize"}, func(t *testing.T, v View) {
			if v.Heading != "Waiting for you in the browser…" || !v.Spinner || v.Countdown != "Time left: 4:32" ||
				!v.Cancel.Enabled || !v.CopyLink.Enabled || !strings.Contains(v.Hint, "IT team") || v.ShowProfiles {
				t.Errorf("got %+v", v)
			}
		}},
		{"signed in", State{Phase: PhaseSignedIn, Profile: "work", Now: t0, SignIn: signedIn(3*time.Hour + 12*time.Minute), WarnBefore: 24 * time.Hour}, func(t *testing.T, v View) {
			want := map[string]string{"Email": "dana@example.com", "Groups": "Designers, Local", "Platform access": "site_36_internalApi", "Platform token": "3 h 12 min left", "Access right": "Local Company"}
			got := map[string]string{}
			for _, l := range v.Lines {
				got[l.Label] = l.Value
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s = %q; want %q", k, got[k], w)
				}
			}
			if v.Heading != "Signed in as Dana Designer" || !v.Refresh.Enabled || !v.SignOut.Enabled || !v.EndBrowser || v.Warning != "" {
				t.Errorf("got %+v", v)
			}
		}},
		{"signed in, hard end near", State{Phase: PhaseSignedIn, Profile: "work", Now: t0.Add(30*24*time.Hour - 5*time.Hour), SignIn: signedIn(40 * 24 * time.Hour), WarnBefore: 24 * time.Hour}, func(t *testing.T, v View) {
			if !strings.Contains(v.Warning, "ends in 5 h") || !v.SignIn.Enabled {
				t.Errorf("warning %q, sign in %+v; want a warning and a sign-in button", v.Warning, v.SignIn)
			}
		}},
		{"busy: buttons off", State{Phase: PhaseSignedIn, Profile: "work", Now: t0, SignIn: signedIn(time.Hour), Busy: true}, func(t *testing.T, v View) {
			if v.Refresh.Enabled || v.SignOut.Enabled || !v.Spinner {
				t.Errorf("got %+v; want buttons disabled and a spinner", v)
			}
		}},
		{"error: plain words and inert details", State{Phase: PhaseError, Profile: "work", ErrText: "The sign-in page reported a problem.", Err: errors.New("bad \x1b[31mthing")}, func(t *testing.T, v View) {
			if v.Text != "The sign-in page reported a problem." || v.Details != "bad thing" || !v.CopyDiag.Enabled || !v.SignIn.Enabled {
				t.Errorf("got %+v", v)
			}
		}},
		{"hostile name is inert", State{Phase: PhaseSignedIn, Profile: "work", Now: t0, SignIn: func() *auth.SignIn {
			s := signedIn(time.Hour)
			s.Claims.Name = "Eve\x1b]0;x\x07\u202e"
			return s
		}()}, func(t *testing.T, v View) {
			if v.Heading != "Signed in as Eve" {
				t.Errorf("heading %q", v.Heading)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, ViewOf(tt.state)) })
	}
}

func TestTrayMenu(t *testing.T) {
	labels := func(items []TrayItem) []string {
		var out []string
		for _, it := range items {
			switch {
			case it.Separator:
				out = append(out, "---")
			case len(it.Children) > 0:
				var kids []string
				for _, c := range it.Children {
					mark := ""
					if c.Checked {
						mark = "*"
					}
					kids = append(kids, mark+c.Label)
				}
				out = append(out, it.Label+" ▸ "+strings.Join(kids, ","))
			default:
				out = append(out, it.Label)
			}
		}
		return out
	}
	tests := []struct {
		name  string
		state State
		want  []string
	}{
		{"signed in", State{Phase: PhaseSignedIn, Profile: "work", Profiles: []string{"work"}, Now: t0, SignIn: signedIn(3*time.Hour + 12*time.Minute)},
			[]string{"Signed in as Dana Designer (work)", "Platform token: 3 h 12 min left", "---", "Refresh now", "Copy token", "Open window", "Sign out"}},
		{"token just copied", State{Phase: PhaseSignedIn, Profile: "work", Now: t0.Add(15 * time.Second), Copied: t0, SignIn: signedIn(time.Hour)},
			[]string{"Signed in as Dana Designer (work)", "Platform token: 59 min left", "---", "Refresh now", "Copy token (copied; cleared from the clipboard after 60 s)", "Open window", "Sign out"}},
		{"signed out, profiles", State{Phase: PhaseSignedOut, Profile: "work", Profiles: []string{"test", "work"}},
			[]string{"Not signed in (work)", "---", "Sign in…", "Open window", "Profiles ▸ test,*work"}},
		{"waiting", State{Phase: PhaseWaiting, Profile: "work", Profiles: []string{"test", "work"}},
			[]string{"Signing in (work)…", "---", "Open window"}},
		{"error", State{Phase: PhaseError, Profile: "work", ErrText: "No network."},
			[]string{"Sign-in problem: No network.", "---", "Sign in…", "Open window"}},
		{"first run", State{Phase: PhaseFirstRun}, []string{"Not set up yet", "---", "Open window"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := labels(TrayMenu(tt.state))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestIconOf(t *testing.T) {
	tests := []struct {
		name  string
		state State
		want  Icon
	}{
		{"signed out", State{Phase: PhaseSignedOut}, IconSignedOut},
		{"first run", State{Phase: PhaseFirstRun}, IconSignedOut},
		{"signed in", State{Phase: PhaseSignedIn, Now: t0, SignIn: signedIn(time.Hour)}, IconSignedIn},
		{"expiring", State{Phase: PhaseSignedIn, Now: t0, SignIn: signedIn(5 * time.Minute)}, IconExpiring},
		{"busy", State{Phase: PhaseSignedIn, Now: t0, SignIn: signedIn(time.Hour), Busy: true}, IconBusy},
		{"waiting", State{Phase: PhaseWaiting}, IconBusy},
		{"error", State{Phase: PhaseError}, IconError},
	}
	for _, tt := range tests {
		if got := IconOf(tt.state); got != tt.want {
			t.Errorf("%s: got %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second: "less than a minute", 45 * time.Minute: "45 min", 3*time.Hour + 12*time.Minute: "3 h 12 min",
		2 * time.Hour: "2 h", 50 * time.Hour: "2 days 2 h", 72 * time.Hour: "3 days",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q; want %q", d, got, want)
		}
	}
}
