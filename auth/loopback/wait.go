package loopback

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Expect is what the callback must carry to be accepted.
type Expect struct {
	// State is the state sent in the authorization request. Required: an
	// empty State matches nothing.
	State string
	// Issuer is the expected issuer. When the callback carries iss
	// (RFC 9207) it MUST equal Issuer; Cognito does not send iss today.
	Issuer string
}

// Result is an accepted authorization response.
type Result struct {
	// Code is the authorization code. It MUST NOT be logged.
	Code string
}

// callback is a request to the callback path waiting for Wait's verdict.
type callback struct {
	query url.Values
	reply chan response // capacity 1, so Wait never blocks on it
}

// Wait returns when the first request to the callback path that carries
// code or error and the expected state has been judged against want, or
// when ctx ends (the error then wraps ctx.Err() and, on a deadline, says
// how long it waited), or when the server is closed (ErrClosed). A
// callback that arrived before Wait was called is judged at once. A
// callback with a missing or wrong state gets an error page and is
// otherwise ignored: a web page or another local user that hits the port
// cannot end the sign-in. The errors are ErrIssuerMismatch, ErrNoCode and
// *AuthError. Later calls return the same outcome.
func (s *Server) Wait(ctx context.Context, want Expect) (Result, error) {
	s.readyOnce.Do(func() {
		s.expect = want
		close(s.ready)
	})
	var budget time.Duration
	if d, ok := ctx.Deadline(); ok {
		budget = time.Until(d)
	}
	for {
		select { // a queued callback or a verdict wins over everything else
		case cb := <-s.callbacks:
			if res, err, final := s.judge(cb, want); final {
				return res, err
			}
			continue
		case <-s.decided:
			return s.outcome()
		default:
		}
		select {
		case cb := <-s.callbacks:
			if res, err, final := s.judge(cb, want); final {
				return res, err
			}
		case <-s.decided:
			return s.outcome()
		case <-s.closing:
			return Result{}, ErrClosed
		case <-ctx.Done():
			return Result{}, waitError(ctx, budget)
		}
	}
}

// judge decides one callback. A state mismatch is not final: the callback
// slot is freed for the real one.
func (s *Server) judge(cb callback, want Expect) (res Result, err error, final bool) {
	v := decide(cb.query, want)
	s.logger.Debug("callback received", "outcome", v.outcome)
	if errors.Is(v.err, ErrStateMismatch) {
		s.mu.Lock()
		s.claimed = false
		s.mu.Unlock()
		cb.reply <- v.resp
		return Result{}, nil, false
	}
	s.mu.Lock()
	s.result, s.err = v.result, v.err
	if v.err == nil {
		s.pending = cb.reply // the browser waits until Finish tells how it ended
	}
	s.mu.Unlock()
	close(s.decided)
	if v.err != nil {
		cb.reply <- v.resp
	}
	return v.result, v.err, true
}

func (s *Server) outcome() (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.result, s.err
}

// verdict is decide's judgement: what Wait returns, what the browser sees
// and a word for the debug log.
type verdict struct {
	result  Result
	err     error
	resp    response
	outcome string
}

// decide judges one authorization response. The order matters: state
// first, so nothing from a foreign response is trusted, then iss, then
// error, then code.
func decide(q url.Values, want Expect) verdict {
	if !stateMatches(q, want.State) {
		return verdict{err: ErrStateMismatch, resp: failure(http.StatusBadRequest, pageStateMismatch), outcome: "state_mismatch"}
	}
	if iss, ok := q["iss"]; ok && (len(iss) != 1 || iss[0] != want.Issuer) {
		return verdict{err: ErrIssuerMismatch, resp: failure(http.StatusBadRequest, pageIssuerMismatch), outcome: "issuer_mismatch"}
	}
	if q.Has("error") {
		ae := newAuthError(q.Get("error"), q.Get("error_description"), q.Get("error_uri"))
		if ae.Cancelled() {
			return verdict{err: ae, resp: failure(http.StatusBadRequest, pageCancelled), outcome: "cancelled"}
		}
		return verdict{err: ae, resp: failure(http.StatusBadRequest, providerErrorPage(ae)), outcome: "provider_error"}
	}
	codes := q["code"]
	if len(codes) != 1 || codes[0] == "" {
		return verdict{err: ErrNoCode, resp: failure(http.StatusBadRequest, pageNoCode), outcome: "no_code"}
	}
	return verdict{result: Result{Code: codes[0]}, resp: success(pageSuccess), outcome: "success"}
}

// stateMatches reports whether q carries exactly one state equal to want.
// An empty want matches nothing.
func stateMatches(q url.Values, want string) bool {
	states := q["state"]
	return len(states) == 1 && want != "" &&
		subtle.ConstantTimeCompare([]byte(states[0]), []byte(want)) == 1
}

// waitError explains why Wait gave up: a deadline reads as "timed out
// waiting for the browser after 5m0s", budget being the time left when
// Wait started.
func waitError(ctx context.Context, budget time.Duration) error {
	err := ctx.Err()
	if !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("loopback: stopped waiting for the browser: %w", err)
	}
	switch {
	case budget >= time.Second:
		budget = budget.Round(time.Second)
	case budget > 0:
		budget = budget.Round(time.Millisecond)
	default:
		return fmt.Errorf("no sign-in arrived from the browser in time; start the sign-in again: %w", err)
	}
	return fmt.Errorf("no sign-in arrived from the browser within %s; start the sign-in again (login_timeout in the profile sets this limit): %w", budget, err)
}
