package loopback

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// get fetches url in the background and yields the status code (0 on a
// transport error).
func get(t *testing.T, url string) <-chan int {
	ch := make(chan int, 1)
	go func() {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err != nil {
			ch <- 0
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		ch <- resp.StatusCode
	}()
	return ch
}

// awaitHeld polls until n callbacks are held in the handler, waiting for
// the first Wait. Polling only orders the test's steps; nothing asserts
// on time.
func awaitHeld(t *testing.T, s *Server, n int32) {
	for s.held.Load() < n {
		if t.Context().Err() != nil {
			t.Fatalf("only %d of %d callbacks were held", s.held.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCallbackBeforeWaitIsHeld(t *testing.T) {
	s, err := Listen(t.Context(), Config{Ports: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	status := get(t, fmt.Sprintf("http://localhost:%d/callback?code=early&state=s1", s.Port()))
	awaitHeld(t, s, 1)
	res, err := s.Wait(t.Context(), Expect{State: "s1"})
	if err != nil || res.Code != "early" {
		t.Fatalf("Wait: got %q, %v; want %q, nil", res.Code, err, "early")
	}
	s.Finish(nil)
	if got := <-status; got != http.StatusOK {
		t.Errorf("browser: got %d; want 200", got)
	}
}

// TestJunkCallbackInFlight: a callback with a wrong state that is in
// flight (held in the handler) when the real one arrives never takes the
// single callback slot, whichever the handler reaches first.
func TestJunkCallbackInFlight(t *testing.T) {
	for _, junkFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("junk first %v", junkFirst), func(t *testing.T) {
			s, err := Listen(t.Context(), Config{Ports: []int{0}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			base := fmt.Sprintf("http://localhost:%d/callback", s.Port())
			var junk, real <-chan int
			if junkFirst {
				junk = get(t, base+"?code=x&state=y")
				awaitHeld(t, s, 1)
				real = get(t, base+"?code=real&state=s1")
			} else {
				real = get(t, base+"?code=real&state=s1")
				awaitHeld(t, s, 1)
				junk = get(t, base+"?code=x&state=y")
			}
			awaitHeld(t, s, 2) // both in flight
			res, err := s.Wait(t.Context(), Expect{State: "s1"})
			if err != nil || res.Code != "real" {
				t.Fatalf("Wait: got %q, %v; want the real code", res.Code, err)
			}
			if got := <-junk; got != http.StatusBadRequest {
				t.Errorf("junk callback: got %d; want 400", got)
			}
			s.Finish(nil)
			if got := <-real; got != http.StatusOK {
				t.Errorf("real callback: got %d; want 200", got)
			}
		})
	}
}

func TestCloseAnswersPendingCallback(t *testing.T) {
	s, err := Listen(t.Context(), Config{Ports: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	status := get(t, fmt.Sprintf("http://localhost:%d/callback?code=c&state=s1", s.Port()))
	awaitHeld(t, s, 1)
	if err := s.Close(); err != nil {
		t.Errorf("Close: got %v; want nil", err)
	}
	if got := <-status; got != http.StatusServiceUnavailable {
		t.Errorf("browser: got %d; want 503", got)
	}
}

func TestListenersAreLoopbackOnly(t *testing.T) {
	s, err := Listen(t.Context(), Config{Ports: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, l := range s.listeners {
		addr := l.Addr().String()
		if want4, want6 := fmt.Sprintf("127.0.0.1:%d", s.Port()), fmt.Sprintf("[::1]:%d", s.Port()); addr != want4 && addr != want6 {
			t.Errorf("listener: got %s; want %s or %s", addr, want4, want6)
		}
	}
}
