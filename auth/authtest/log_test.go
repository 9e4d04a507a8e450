package authtest

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogsHoldNoSecrets(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	code, verifier := e.signIn(t, designer())
	_, tokens := e.exchange(t, code, verifier)
	status, platform := e.provision(t, e.s.ProvisionPath(), e.appToken(t), tokens["id_token"].(string))
	if status != http.StatusOK {
		t.Fatalf("provision: got status %d", status)
	}
	out := logs.String()
	if out == "" {
		t.Fatal("got no debug logs; want one per request")
	}
	secrets := map[string]string{
		"code": code, "verifier": verifier, "password": "Design-2026!", "app secret": DemoPlatformApp().Secret,
		"id_token": tokens["id_token"].(string), "access_token": tokens["access_token"].(string),
		"refresh_token": tokens["refresh_token"].(string), "platform token": platform["access_token"].(string),
	}
	for name, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain the %s", name)
		}
	}
}
