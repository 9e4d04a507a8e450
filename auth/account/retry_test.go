package account

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
)

func TestTransient(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantOK    bool
		wantAfter time.Duration
	}{
		{"provider invalid_grant", provInvalidGrant(), false, 0},
		{"provider invalid_request", &auth.TokenError{Op: "refresh", Code: "invalid_request", Status: 400}, false, 0},
		{"provider 503", prov503(), true, 0},
		{"provider 500", fmt.Errorf("refresh: %w", &auth.TokenError{Op: "refresh", Status: 500}), true, 0},
		{"provider 429 Retry-After", prov429(3 * time.Second), true, 3 * time.Second},
		{"provider 400 without code", &auth.TokenError{Op: "refresh", Status: 400}, false, 0},
		{"platform invalid_grant", platInvalidGrant(), false, 0},
		{"platform 503 Retry-After", plat503(), true, 2 * time.Second},
		{"platform not allowed", &platform.Error{Status: 403, Err: platform.ErrNotAllowed}, false, 0},
		{"net timeout", netTimeout(), true, 0},
		{"connection reset in url.Error", connReset(), true, 0},
		{"bare connection reset in url.Error", &url.Error{Op: "Post", URL: "https://x", Err: syscall.ECONNRESET}, true, 0},
		{"connection refused", &url.Error{Op: "Post", URL: "https://x", Err: syscall.ECONNREFUSED}, true, 0},
		{"context cancelled", context.Canceled, false, 0},
		{"context cancelled in url.Error", &url.Error{Op: "Post", URL: "https://x", Err: context.Canceled}, false, 0},
		{"other", errors.New("boom"), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after, ok := transient(tt.err)
			if ok != tt.wantOK || after != tt.wantAfter {
				t.Errorf("transient(%v): got (%v, %v); want (%v, %v)", tt.err, after, ok, tt.wantAfter, tt.wantOK)
			}
		})
	}
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name       string
		b          Backoff
		errs       []error // answers per call; after them, success
		wantCalls  int
		wantErr    bool
		wantSleeps []time.Duration
	}{
		{name: "first try", wantCalls: 1},
		{name: "defaults: 3 attempts, 250ms doubling", errs: []error{prov503(), prov503(), prov503(), prov503()},
			wantCalls: 3, wantErr: true, wantSleeps: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{name: "one attempt", b: Backoff{Attempts: 1}, errs: []error{prov503()}, wantCalls: 1, wantErr: true},
		{name: "custom base", b: Backoff{Attempts: 4, Base: time.Second}, errs: []error{connReset(), connReset(), connReset()},
			wantCalls: 4, wantSleeps: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{name: "Retry-After shorter than the backoff", b: Backoff{Base: 5 * time.Second},
			errs: []error{prov429(time.Second)}, wantCalls: 2, wantSleeps: []time.Duration{5 * time.Second}},
		{name: "default Max caps Retry-After", errs: []error{prov429(time.Minute)},
			wantCalls: 2, wantSleeps: []time.Duration{10 * time.Second}},
		{name: "permanent error is not retried", errs: []error{platInvalidGrant()}, wantCalls: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sl := &sleeps{}
			tt.b.Sleep = sl.Sleep
			calls := 0
			got, err := retry(context.Background(), tt.b, func() (int, error) {
				calls++
				if calls <= len(tt.errs) {
					return 0, tt.errs[calls-1]
				}
				return 42, nil
			})
			if calls != tt.wantCalls {
				t.Errorf("got %d calls; want %d", calls, tt.wantCalls)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("got error %v; want error %v", err, tt.wantErr)
			}
			if err != nil && err != tt.errs[calls-1] {
				t.Errorf("got error %v; want the last one, %v", err, tt.errs[calls-1])
			}
			if err == nil && got != 42 {
				t.Errorf("got %d; want 42", got)
			}
			if s := sl.got(); !slices.Equal(s, tt.wantSleeps) {
				t.Errorf("got sleeps %v; want %v", s, tt.wantSleeps)
			}
		})
	}
}

// TestRetryStopsWithContext: no retry once the context has ended, even for a
// transient error such as the context's own deadline.
func TestRetryStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	sl := &sleeps{}
	calls := 0
	_, err := retry(ctx, Backoff{Sleep: sl.Sleep}, func() (int, error) {
		calls++
		return 0, &url.Error{Op: "Post", URL: "https://x", Err: ctx.Err()}
	})
	if err == nil || calls != 1 || len(sl.got()) != 0 {
		t.Errorf("got error %v after %d calls, %d sleeps; want an error after 1 call, no sleep", err, calls, len(sl.got()))
	}
}

// TestRetrySleepError: a failed sleep ends the retries with the call's error.
func TestRetrySleepError(t *testing.T) {
	calls := 0
	_, err := retry(context.Background(), Backoff{Sleep: func(context.Context, time.Duration) error {
		return context.Canceled
	}}, func() (int, error) {
		calls++
		return 0, prov503()
	})
	var te *auth.TokenError
	if calls != 1 || !errors.As(err, &te) || te.Status != 503 {
		t.Errorf("got error %v after %d calls; want the 503 after 1 call", err, calls)
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep with a cancelled context: got %v; want context.Canceled", err)
	}
	if err := sleep(context.Background(), time.Nanosecond); err != nil {
		t.Errorf("short sleep: got %v; want nil", err)
	}
}

func TestBackoffDefaults(t *testing.T) {
	got := Backoff{}.withDefaults()
	if got.Attempts != 3 || got.Base != 250*time.Millisecond || got.Max != 10*time.Second || got.Sleep == nil {
		t.Errorf("got %+v; want 3 attempts, 250ms base, 10s max, a sleep func", got)
	}
	custom := Backoff{Attempts: 5, Base: time.Second, Max: time.Minute}.withDefaults()
	if custom.Attempts != 5 || custom.Base != time.Second || custom.Max != time.Minute {
		t.Errorf("got %+v; want the custom values kept", custom)
	}
}
