package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
)

// transcript collects what a terminal shows and lets a test wait for text.
type transcript struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every Write
}

func newTranscript() *transcript { return &transcript{changed: make(chan struct{})} }

func (s *transcript) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	close(s.changed)
	s.changed = make(chan struct{})
	return len(p), nil
}

func (s *transcript) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor returns when the screen shows text, or ctx ends.
func (s *transcript) waitFor(ctx context.Context, text string) error {
	return s.waitForCount(ctx, text, 1)
}

// waitForCount returns when the screen shows text n times, or ctx ends.
func (s *transcript) waitForCount(ctx context.Context, text string, n int) error {
	for {
		s.mu.Lock()
		found, changed := strings.Count(s.buf.String(), text) >= n, s.changed
		s.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
