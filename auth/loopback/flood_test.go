package loopback_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

// TestJunkFloodCannotBlockSignIn: 48 local loops hammer the callback path
// with a valid Host and a wrong state while the real browser redirect
// arrives. In each of 20 rounds the real callback must be the one
// accepted: junk never takes or blocks the single callback slot.
func TestJunkFloodCannotBlockSignIn(t *testing.T) {
	const rounds, loops = 20, 48
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loops}}
	defer client.CloseIdleConnections()
	for round := range rounds {
		s := listen(t, loopback.Config{})
		base := fmt.Sprintf("http://localhost:%d/callback", s.Port())
		ctx, stopFlood := context.WithCancel(t.Context())
		var flood sync.WaitGroup
		var junkMu sync.Mutex
		junkStatus := map[int]int{}
		for range loops {
			flood.Go(func() {
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"?code=junk&state=junk", nil)
					resp, err := client.Do(req)
					if err != nil {
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					junkMu.Lock()
					junkStatus[resp.StatusCode]++
					junkMu.Unlock()
				}
			})
		}
		// Bounded: on failure the real callback is refused and Wait would
		// wait for a callback that never comes.
		waitCtx, cancelWait := context.WithTimeout(t.Context(), time.Minute)
		done := make(chan error, 1)
		var res loopback.Result
		go func() {
			var err error
			if res, err = s.Wait(waitCtx, testWant); err == nil {
				s.Finish(nil)
			}
			done <- err
		}()
		status, _, _ := do(t, http.MethodGet, base+"?code=real&state=st-123", "")
		werr := <-done
		cancelWait()
		stopFlood()
		flood.Wait()
		if status != http.StatusOK || werr != nil || res.Code != "real" {
			t.Fatalf("round %d: real callback got %d, Wait %q, %v; want 200 and the real code", round, status, res.Code, werr)
		}
		for code, n := range junkStatus {
			if code != http.StatusBadRequest {
				t.Errorf("round %d: %d junk callbacks got %d; want 400 (state mismatch) only", round, n, code)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
