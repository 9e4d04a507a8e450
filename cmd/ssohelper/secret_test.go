package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// TestSetSecretChecks: set-secret and delete-secret check what they are
// given and store nothing on a mistake. A terminal gets a hidden prompt
// and a confirmation (ReadHidden is faked here; TestSetSecretTerminal
// uses a real pseudo-terminal).
func TestSetSecretChecks(t *testing.T) {
	tests := []struct {
		name      string
		kindNone  bool
		args      []string
		typed     []string // answers at the terminal; nil: stdin is a pipe
		stdin     string
		wantCode  int
		wantText  string
		wantSaved string // the stored platform secret; "" for none
	}{
		{name: "pipe", args: []string{"set-secret", "platform"}, stdin: "s3cret\n", wantCode: exitOK, wantText: "Stored the platform secret", wantSaved: "s3cret"},
		{name: "terminal, typed twice", args: []string{"set-secret", "platform"}, typed: []string{"s3cret", "s3cret"}, wantCode: exitOK, wantText: "Stored the platform secret", wantSaved: "s3cret"},
		{name: "terminal, entries differ", args: []string{"set-secret", "platform"}, typed: []string{"s3cret", "s3cert"}, wantCode: exitConfig, wantText: "the two entries differ; nothing was stored"},
		{name: "terminal, empty", args: []string{"set-secret", "platform"}, typed: []string{"", ""}, wantCode: exitConfig, wantText: "the secret is empty"},
		{name: "platform secret for kind none", kindNone: true, args: []string{"set-secret", "platform"}, stdin: "s3cret\n", wantCode: exitConfig, wantText: `platform kind "none", which uses no platform secret`},
		{name: "set-secret of something else", args: []string{"set-secret", "cleint"}, stdin: "s3cret\n", wantCode: exitConfig, wantText: "client or platform"},
		{name: "delete-secret of something else", args: []string{"delete-secret", "cleint"}, wantCode: exitConfig, wantText: "client or platform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			if tt.kindNone {
				h.writeProfile(func(p *config.Profile) { p.Platform = config.Platform{Kind: config.KindNone} })
			}
			h.stdin = strings.NewReader(tt.stdin)
			var prompts []string
			if tt.typed != nil {
				answers := tt.typed
				h.readHidden = func(prompt string) (string, error) {
					prompts = append(prompts, prompt)
					if len(answers) == 0 {
						return "", errors.New("no more input")
					}
					a := answers[0]
					answers = answers[1:]
					return a, nil
				}
			}
			code := h.run(context.Background(), nil, append([]string{"config"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(h.stderr.String(), tt.wantText) {
				t.Errorf("exit %d; want %d with %q; stderr:\n%s", code, tt.wantCode, tt.wantText, h.stderr.String())
			}
			if tt.typed != nil && tt.typed[0] != "" && (len(prompts) != 2 || !strings.Contains(prompts[0], "typing is hidden") || !strings.Contains(prompts[1], "again")) {
				t.Errorf("prompts = %q; want a hidden prompt and a confirmation", prompts)
			}
			got, err := h.store().Get(context.Background(), secretName("work", "platform"))
			switch {
			case tt.wantSaved == "" && !errors.Is(err, keystore.ErrNotFound):
				t.Errorf("stored secret = %q, %v; want none", got, err)
			case tt.wantSaved != "" && string(got) != tt.wantSaved:
				t.Errorf("stored secret = %q, %v; want %q", got, err, tt.wantSaved)
			}
		})
	}
}
