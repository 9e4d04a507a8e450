package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeBridge is a PluginBridge in memory; decided receives each answer.
type fakeBridge struct {
	mu      sync.Mutex
	pending []PairRequest
	plugins []PluginInfo
	decided chan string
	revoked chan string
	fail    error
}

func (b *fakeBridge) Pending(context.Context) ([]PairRequest, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]PairRequest(nil), b.pending...), b.fail
}

func (b *fakeBridge) Decide(_ context.Context, code string, allow bool) error {
	b.decided <- map[bool]string{true: "allow ", false: "deny "}[allow] + code
	return nil
}

func (b *fakeBridge) Plugins(context.Context) ([]PluginInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]PluginInfo(nil), b.plugins...), b.fail
}

func (b *fakeBridge) Revoke(_ context.Context, id string) error {
	b.mu.Lock()
	var kept []PluginInfo
	for _, p := range b.plugins {
		if p.ID != id {
			kept = append(kept, p)
		}
	}
	b.plugins = kept
	b.mu.Unlock()
	b.revoked <- id
	return nil
}

// TestConsentDialog: a pairing request shows the plugin's name, profile
// and code once; Allow and Deny reach the bridge.
func TestConsentDialog(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("ssohelper")
	w.Resize(WindowSize)
	w.Show()
	b := &fakeBridge{decided: make(chan string, 2),
		pending: []PairRequest{{Code: "4821", ID: "com.example.assets", Name: "Asset Browser", Profile: "work"}, {Code: "1234", ID: "x", Name: "Other", Profile: "work"}}}
	c := &Consent{Bridge: b, Parent: w, Logger: slog.New(slog.DiscardHandler)}
	var first, again *ConsentDialog
	fyne.DoAndWait(func() {
		first = c.show(b.pending[0])
		again = c.show(b.pending[0])
	})
	if first != again {
		t.Error("a second dialog opened for the same request")
	}
	for _, want := range []string{`"Asset Browser"`, "profile work", "Code 4821", "com.example.assets"} {
		if !strings.Contains(first.Text.Text, want) {
			t.Errorf("dialog text lacks %q: %s", want, first.Text.Text)
		}
	}
	test.AssertImageMatches(t, "consent.png", w.Canvas().Capture())
	test.Tap(first.Allow)
	if got := <-b.decided; got != "allow 4821" {
		t.Errorf("decided %q", got)
	}
	var second *ConsentDialog
	fyne.DoAndWait(func() { second = c.show(b.pending[1]) })
	test.Tap(second.Deny)
	if got := <-b.decided; got != "deny 1234" {
		t.Errorf("decided %q", got)
	}
}

// TestPluginsView: the list shows each plugin's name, profile, last
// token, count and origin; Revoke reaches the bridge and the list follows.
func TestPluginsView(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	b := &fakeBridge{revoked: make(chan string, 1), plugins: []PluginInfo{
		{ID: "com.example.assets", Name: "Asset Browser", Profile: "work", Origin: "uxp://assets", LastToken: now.Add(-5 * time.Minute), Tokens: 12},
		{ID: "com.example.fonts", Name: "Fonts", Profile: "work"},
	}}
	v := NewPluginsView(b, slog.New(slog.DiscardHandler))
	v.Now = func() time.Time { return now }
	v.Reload()
	text := labelsOf(v.List)
	for _, want := range []string{"Asset Browser", "com.example.assets · profile work", "last token 5 min ago · 12 tokens · origin uxp://assets", "last token never · 0 tokens · origin none"} {
		if !strings.Contains(text, want) {
			t.Errorf("list lacks %q:\n%s", want, text)
		}
	}
	v.reloaded = make(chan struct{}, 1)
	test.Tap(v.Revokes["com.example.assets"])
	if id := <-b.revoked; id != "com.example.assets" {
		t.Errorf("revoked %q", id)
	}
	<-v.reloaded // the list reloads after the revoke
	if strings.Contains(labelsOf(v.List), "Asset Browser") || !strings.Contains(labelsOf(v.List), "Fonts") {
		t.Errorf("after revoke:\n%s", labelsOf(v.List))
	}
	b.fail = errors.New("connection refused")
	v.Reload()
	if !strings.Contains(labelsOf(v.List), "does not answer: connection refused") {
		t.Errorf("bridge down:\n%s", labelsOf(v.List))
	}
}

// labelsOf joins the text of every label under o.
func labelsOf(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		}
	}
	walk(o)
	return b.String()
}
