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

// awaitQueued polls until a callback sits in the queue. Polling only
// orders the test's steps; nothing asserts on time.
func awaitQueued(t *testing.T, s *Server) {
	for len(s.callbacks) == 0 {
		if t.Context().Err() != nil {
			t.Fatal("callback never queued")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCallbackBeforeWaitIsQueued(t *testing.T) {
	s, err := Listen(t.Context(), Config{Ports: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	status := get(t, fmt.Sprintf("http://localhost:%d/callback?code=early&state=s1", s.Port()))
	awaitQueued(t, s)
	res, err := s.Wait(t.Context(), Expect{State: "s1"})
	if err != nil || res.Code != "early" {
		t.Fatalf("Wait: got %q, %v; want %q, nil", res.Code, err, "early")
	}
	s.Finish(nil)
	if got := <-status; got != http.StatusOK {
		t.Errorf("browser: got %d; want 200", got)
	}
}

func TestCloseAnswersPendingCallback(t *testing.T) {
	s, err := Listen(t.Context(), Config{Ports: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	status := get(t, fmt.Sprintf("http://localhost:%d/callback?code=c&state=s1", s.Port()))
	awaitQueued(t, s)
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
