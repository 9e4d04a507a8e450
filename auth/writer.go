package auth

import (
	"io"
	"sync"
)

// gatedWriter passes writes through until it is closed, then drops them.
// It lets a goroutine that may outlive its caller report to the caller's
// stream without racing the caller's own later writes.
type gatedWriter struct {
	mu     sync.Mutex
	w      io.Writer // nil => discard
	closed bool
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed || g.w == nil {
		return len(p), nil
	}
	return g.w.Write(p)
}

func (g *gatedWriter) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}
