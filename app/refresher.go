package app

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/ssohelper/ssohelper/auth"
)

// Clock is the refresher's time source; tests pass a fake one.
type Clock interface {
	Now() time.Time
	// After fires once d has passed (on a real clock, as time.After).
	After(d time.Duration) <-chan time.Time
}

// realClock is the system clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Refresher keeps the active profile's tokens fresh while the app runs, so
// that `ssohelper token` calls find a cached token. It renews Margin
// before the token expires, through the same account layer and
// cross-process lock as the command line; it never opens a browser.
type Refresher struct {
	Ctrl  *Controller
	Clock Clock
	// Margin: renew when less is left. Default DefaultRefreshMargin, more
	// than the command line's 5 minutes, so its calls hit the cache.
	Margin time.Duration
	// Check is the longest sleep: the wall clock is compared at least this
	// often, so a sleep/resume (timers stop while suspended) is noticed.
	// Default one minute.
	Check time.Duration
	// Jitter returns a random share in [0,1) for backoff; nil => math/rand.
	Jitter func() float64

	warned map[string]bool // hard-end warning given, per sign-in
}

// DefaultRefreshMargin is the refresher's default margin.
const DefaultRefreshMargin = 10 * time.Minute

// backoff bounds for transient failures.
const (
	backoffMin = 30 * time.Second
	backoffMax = 15 * time.Minute
)

// Run renews until ctx ends. wake (may be nil) asks for an early look,
// for example after the saved sign-in changed on disk.
func (r *Refresher) Run(ctx context.Context, wake <-chan struct{}) {
	failures := 0
	for {
		wait := r.step(ctx, &failures)
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-r.clock().After(wait):
		}
	}
}

// step does what is due now and returns how long to sleep.
func (r *Refresher) step(ctx context.Context, failures *int) time.Duration {
	st := r.Ctrl.State()
	if st.Phase != PhaseSignedIn || st.SignIn == nil || st.Busy {
		return r.check()
	}
	now := r.clock().Now()
	r.warnHardEnd(st, now)
	due := st.SignIn.TokenExpiry().Add(-r.margin())
	if now.Before(due) {
		*failures = 0
		return min(due.Sub(now), r.check())
	}
	err := r.Ctrl.refresh(ctx, st.Profile, r.margin())
	switch {
	case err == nil:
		*failures = 0
		return r.check()
	case errors.Is(err, auth.ErrLoginRequired) || ctx.Err() != nil:
		*failures = 0
		return r.check()
	}
	*failures++
	return r.backoff(*failures)
}

// backoff is exponential from 30 s to 15 min with full jitter on the
// upper half, so many machines do not retry in step.
func (r *Refresher) backoff(n int) time.Duration {
	d := backoffMin << min(n-1, 10)
	d = min(d, backoffMax)
	j := r.Jitter
	if j == nil {
		j = rand.Float64
	}
	return d/2 + time.Duration(j()*float64(d/2))
}

// warnHardEnd notifies once per sign-in when its hard end is near.
func (r *Refresher) warnHardEnd(st State, now time.Time) {
	end := st.SignIn.SessionEnd
	if end.IsZero() || end.Sub(now) > st.WarnBefore {
		return
	}
	key := st.Profile + "\x00" + st.SignIn.SignedInAt.String()
	if r.warned == nil {
		r.warned = map[string]bool{}
	}
	if r.warned[key] {
		return
	}
	r.warned[key] = true
	r.Ctrl.notify("Sign in again soon", "Your sign-in to "+st.Profile+" ends in "+duration(end.Sub(now))+
		". Open ssohelper and choose Sign in again when it suits you.")
}

func (r *Refresher) margin() time.Duration {
	if r.Margin > 0 {
		return r.Margin
	}
	return DefaultRefreshMargin
}

func (r *Refresher) check() time.Duration {
	if r.Check > 0 {
		return r.Check
	}
	return time.Minute
}

func (r *Refresher) clock() Clock {
	if r.Clock == nil {
		return realClock{}
	}
	return r.Clock
}
