package account

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
)

// Backoff bounds retries of transient failures.
type Backoff struct {
	Attempts int           // total tries; default 3
	Base     time.Duration // first wait, doubled each time; default 250ms
	Max      time.Duration // longest wait, also caps Retry-After; default 10s
	// Sleep waits; nil => a timer that also ends with ctx. Tests record it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// retry calls fn until it succeeds, fails for good, or the tries run out.
// Timeouts, connection resets and answers cut short, 5xx and 429
// (honouring Retry-After) are transient; everything else, invalid_grant
// above all, is returned at once.
func retry[T any](ctx context.Context, b Backoff, fn func() (T, error)) (T, error) {
	b = b.withDefaults()
	wait := b.Base
	for attempt := 1; ; attempt++ {
		v, err := fn()
		if err == nil {
			return v, nil
		}
		after, ok := transient(err)
		if !ok || attempt >= b.Attempts || ctx.Err() != nil {
			return v, err
		}
		d := max(wait, after)
		if d > b.Max {
			d = b.Max
		}
		if serr := b.Sleep(ctx, d); serr != nil {
			return v, err
		}
		wait *= 2
	}
}

// transient says whether err is worth another try, and the server's
// requested wait if it named one.
func transient(err error) (time.Duration, bool) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !isNetTimeout(err) {
		return 0, false
	}
	var pe *platform.Error
	if errors.As(err, &pe) {
		return pe.RetryAfter, errors.Is(err, platform.ErrUnavailable)
	}
	var te *auth.TokenError
	if errors.As(err, &te) {
		return te.RetryAfter, te.Status == 429 || te.Status >= 500
	}
	// A connection cut mid-answer reads as a reset (RST) or as an
	// unexpected EOF (FIN).
	if isNetTimeout(err) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, true
	}
	return 0, false
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (b Backoff) withDefaults() Backoff {
	if b.Attempts <= 0 {
		b.Attempts = 3
	}
	if b.Base <= 0 {
		b.Base = 250 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 10 * time.Second
	}
	if b.Sleep == nil {
		b.Sleep = sleep
	}
	return b
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
