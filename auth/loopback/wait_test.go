package loopback_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

// expiredContext is a context whose 5-minute deadline has already passed
// as far as Wait can tell: Deadline is five minutes away, Done is closed.
// It lets the test check the timeout message without waiting.
type expiredContext struct {
	context.Context
	deadline time.Time
	done     chan struct{}
}

func newExpiredContext(d time.Duration) *expiredContext {
	done := make(chan struct{})
	close(done)
	return &expiredContext{Context: context.Background(), deadline: time.Now().Add(d), done: done}
}

func (c *expiredContext) Deadline() (time.Time, bool) { return c.deadline, true }
func (c *expiredContext) Done() <-chan struct{}       { return c.done }
func (c *expiredContext) Err() error                  { return context.DeadlineExceeded }

func TestWaitContextEnds(t *testing.T) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		wantIs  error
		wantMsg string
	}{
		{"cancel", cancelled, context.Canceled, "loopback: stopped waiting for the browser: context canceled"},
		{"deadline", newExpiredContext(5 * time.Minute), context.DeadlineExceeded,
			"no sign-in arrived from the browser within 5m0s; start the sign-in again (login_timeout in the profile sets this limit): context deadline exceeded"},
		{"deadline in minutes and seconds", newExpiredContext(90 * time.Second), context.DeadlineExceeded,
			"no sign-in arrived from the browser within 1m30s; start the sign-in again (login_timeout in the profile sets this limit): context deadline exceeded"},
		{"deadline already past", newExpiredContext(-time.Second), context.DeadlineExceeded,
			"no sign-in arrived from the browser in time; start the sign-in again: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := listen(t, loopback.Config{})
			_, err := s.Wait(tt.ctx, testWant)
			if !errors.Is(err, tt.wantIs) {
				t.Errorf("Wait: got %v; want it to wrap %v", err, tt.wantIs)
			}
			if err == nil || err.Error() != tt.wantMsg {
				t.Errorf("Wait: got %v; want %q", err, tt.wantMsg)
			}
		})
	}
}

func TestWaitRealDeadline(t *testing.T) {
	s := listen(t, loopback.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	if _, err := s.Wait(ctx, testWant); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait: got %v; want a wrapped context.DeadlineExceeded", err)
	}
}
