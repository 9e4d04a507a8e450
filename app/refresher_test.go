package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
)

// stepClock is a Clock whose Now the test sets; After is unused by step.
type stepClock struct{ fakeClock }

func (c *stepClock) After(time.Duration) <-chan time.Time { return make(chan time.Time) }

func TestRefresherStep(t *testing.T) {
	errNet := errors.New("connection reset")
	tests := []struct {
		name       string
		left       time.Duration // platform token time left at "now"
		jump       time.Duration // the wall clock jumps (sleep/resume) before the step
		refreshErr error
		steps      int // steps run; the last one is checked
		wantWait   time.Duration
		wantCalls  int
		wantPhase  Phase
		wantNotify string
	}{
		{name: "not due: sleep until the margin, at most a minute", left: 2 * time.Hour, steps: 1, wantWait: time.Minute, wantPhase: PhaseSignedIn},
		{name: "not due, close: sleep until due", left: 10*time.Minute + 20*time.Second, steps: 1, wantWait: 20 * time.Second, wantPhase: PhaseSignedIn},
		{name: "due: renewed", left: 9 * time.Minute, steps: 1, wantWait: time.Minute, wantCalls: 1, wantPhase: PhaseSignedIn},
		{name: "resume from sleep: the wall clock says due", left: 2 * time.Hour, jump: 3 * time.Hour, steps: 1, wantWait: time.Minute, wantCalls: 1, wantPhase: PhaseSignedIn},
		{name: "network down: backoff 1", left: time.Minute, refreshErr: errNet, steps: 1, wantWait: 15 * time.Second, wantCalls: 1, wantPhase: PhaseSignedIn},
		{name: "network down: backoff 3", left: time.Minute, refreshErr: errNet, steps: 3, wantWait: 60 * time.Second, wantCalls: 3, wantPhase: PhaseSignedIn},
		{name: "network down: backoff capped", left: time.Minute, refreshErr: errNet, steps: 12, wantWait: 450 * time.Second, wantCalls: 12, wantPhase: PhaseSignedIn},
		{name: "sign-in ended: signed out and told", left: time.Minute, refreshErr: fmt.Errorf("%w: revoked", auth.ErrLoginRequired), steps: 1,
			wantWait: time.Minute, wantCalls: 1, wantPhase: PhaseSignedOut, wantNotify: "Sign in again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBackend("work")
			b.saved["work"] = signedIn(tt.left)
			b.refreshErr = tt.refreshErr
			clk := &stepClock{fakeClock{t: t0}}
			c, _, notes := newController(b, &clk.fakeClock)
			c.Load(context.Background())
			clk.Add(tt.jump)
			r := &Refresher{Ctrl: c, Clock: clk, Jitter: func() float64 { return 0 }}
			failures := 0
			var wait time.Duration
			for range tt.steps {
				wait = r.step(context.Background(), &failures)
			}
			if wait != tt.wantWait || b.refreshes != tt.wantCalls || c.State().Phase != tt.wantPhase {
				t.Errorf("wait %v, refreshes %d, phase %v; want %v, %d, %v", wait, b.refreshes, c.State().Phase, tt.wantWait, tt.wantCalls, tt.wantPhase)
			}
			if got := strings.Join(*notes, "|"); !strings.Contains(got, tt.wantNotify) || (tt.wantNotify == "" && got != "") {
				t.Errorf("notifications %q; want %q", got, tt.wantNotify)
			}
		})
	}
}

// TestRefresherHardEndWarning: once, a day before the sign-in's hard end.
func TestRefresherHardEndWarning(t *testing.T) {
	b := newFakeBackend("work")
	s := signedIn(40 * 24 * time.Hour) // the platform token outlives the check
	b.saved["work"] = s
	clk := &stepClock{fakeClock{t: s.SessionEnd.Add(-25 * time.Hour)}}
	c, _, notes := newController(b, &clk.fakeClock)
	c.Load(context.Background())
	r := &Refresher{Ctrl: c, Clock: clk}
	failures := 0
	r.step(context.Background(), &failures)
	if len(*notes) != 0 {
		t.Fatalf("25 h before the end: %q; want no warning yet", *notes)
	}
	clk.Add(2 * time.Hour)
	r.step(context.Background(), &failures)
	r.step(context.Background(), &failures)
	if len(*notes) != 1 || !strings.Contains((*notes)[0], "ends in 23 h") {
		t.Errorf("23 h before the end: %q; want one warning", *notes)
	}
}

// TestRefresherRunWakes: Run looks again at once when woken (a sign-in
// changed on disk) and stops with its context.
func TestRefresherRunWakes(t *testing.T) {
	b := newFakeBackend("work")
	b.saved["work"] = signedIn(time.Minute) // due
	clk := &stepClock{fakeClock{t: t0}}
	c, _, _ := newController(b, &clk.fakeClock)
	c.Load(context.Background())
	seen := watch(c)
	ctx, cancel := context.WithCancel(context.Background())
	wake := make(chan struct{})
	done := make(chan struct{})
	go func() { (&Refresher{Ctrl: c, Clock: clk}).Run(ctx, wake); close(done) }()
	seen.waitFor(t, "first refresh", func(State) bool { b.mu.Lock(); defer b.mu.Unlock(); return b.refreshes >= 1 })
	wake <- struct{}{}
	seen.waitFor(t, "refresh after the wake", func(State) bool { b.mu.Lock(); defer b.mu.Unlock(); return b.refreshes >= 2 })
	cancel()
	<-done
}

// TestWatchDir: a change to the saved sign-ins by another process is seen.
func TestWatchDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	changed := make(chan struct{}, 16)
	started := make(chan error, 1)
	go func() { started <- WatchDir(ctx, dir, slogDiscard(), func() { changed <- struct{}{} }) }()
	// The watcher creates dir; write until it reports (it may start late).
	deadline := time.After(30 * time.Second)
	for i := 0; ; i++ {
		if err := os.WriteFile(filepath.Join(dir, "session~work.vault"), []byte(fmt.Sprint(i)), 0o600); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		select {
		case <-changed:
			cancel()
			if err := <-started; err != nil {
				t.Fatal(err)
			}
			return
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no change reported")
		}
	}
}

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestRefresherWarnBeforeFromProfile: a profile's warn_before sets when
// the hard-end warning comes.
func TestRefresherWarnBeforeFromProfile(t *testing.T) {
	b := newFakeBackend("work")
	b.warnBefore = 72 * time.Hour
	s := signedIn(40 * 24 * time.Hour)
	b.saved["work"] = s
	clk := &stepClock{fakeClock{t: s.SessionEnd.Add(-71 * time.Hour)}}
	c, _, notes := newController(b, &clk.fakeClock)
	c.Load(context.Background())
	failures := 0
	(&Refresher{Ctrl: c, Clock: clk}).step(context.Background(), &failures)
	if len(*notes) != 1 || !strings.Contains((*notes)[0], "ends in 2 days 23 h") {
		t.Errorf("71 h before the end with warn_before 72h: %q; want one warning", *notes)
	}
}
