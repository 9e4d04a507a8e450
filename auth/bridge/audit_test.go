package bridge

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is an audit file: it keeps what was written and how, and can
// hold a write until released.
type recorder struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
	hold   chan struct{} // when set, each write waits for a receive
	inside chan struct{} // when set, each write says it has begun
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.inside != nil {
		r.inside <- struct{}{}
	}
	if r.hold != nil {
		<-r.hold
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	return r.buf.Write(p)
}

func (r *recorder) has(line string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Contains(r.buf.String(), line)
}

// TestAuditLogWholeAndWritten: from many goroutines, every line arrives
// whole and once, and each Write returns only once its own line is in the
// file.
func TestAuditLogWholeAndWritten(t *testing.T) {
	r := &recorder{}
	a := newAuditLog(r)
	const writers, each = 16, 200
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				line := fmt.Sprintf(`{"writer":%d,"n":%d,"pad":"%s"}`+"\n", g, i, strings.Repeat("x", i%50))
				a.Write([]byte(line))
				if !r.has(line) {
					t.Errorf("Write returned before its line was written: %q", line)
					return
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(r.buf.String(), "\n"), "\n")
	if len(lines) != writers*each {
		t.Fatalf("%d lines; want %d", len(lines), writers*each)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"writer":`) || !strings.HasSuffix(l, `"}`) || seen[l] {
			t.Fatalf("a line torn or repeated: %q", l)
		}
		seen[l] = true
	}
}

// TestAuditLogGroupCommit: lines that arrive while a write is under way go
// out together in the next write, not one system call each.
func TestAuditLogGroupCommit(t *testing.T) {
	r := &recorder{hold: make(chan struct{}), inside: make(chan struct{})}
	a := newAuditLog(r)
	first := make(chan struct{})
	go func() {
		a.Write([]byte("first\n"))
		close(first)
	}()
	<-r.inside // the first write is under way, held
	const waiting = 8
	var wg sync.WaitGroup
	for i := range waiting {
		wg.Go(func() { a.Write(fmt.Appendf(nil, "waiting %d\n", i)) })
	}
	// Wait until all eight are queued behind the held write: their lines
	// are in the next batch.
	for {
		a.mu.Lock()
		n := bytes.Count(a.batch, []byte("\n"))
		a.mu.Unlock()
		if n == waiting {
			break
		}
		runtime.Gosched()
	}
	r.hold <- struct{}{} // the first write ends
	<-first
	<-r.inside // the next write: one, carrying all eight
	r.hold <- struct{}{}
	wg.Wait()
	if r.writes != 2 {
		t.Errorf("%d writes for 1 + %d lines; want 2", r.writes, waiting)
	}
	if got := strings.Count(r.buf.String(), "\n"); got != 1+waiting {
		t.Errorf("%d lines written; want %d", got, 1+waiting)
	}
}
