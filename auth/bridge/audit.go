package bridge

import (
	"io"
	"sync"
)

// auditLog writes whole audit lines to w, each before its Write returns,
// so no token is handed out before its line reached the file. Writers
// that arrive while a write is under way wait and go out together in the
// next one (a group commit): under load one system call carries many
// lines, and a lone writer writes at once, as with a plain mutex.
type auditLog struct {
	w io.Writer

	mu      sync.Mutex
	wrote   sync.Cond // signalled when a batch has been written
	batch   []byte    // lines waiting for the next write
	spare   []byte    // the last written batch's buffer, for reuse
	next    uint64    // the batch that lines join now
	done    uint64    // the last batch written (batches count from 1)
	writing bool
}

func newAuditLog(w io.Writer) *auditLog {
	a := &auditLog{w: w, next: 1}
	a.wrote.L = &a.mu
	return a
}

// Write appends line (one JSON line, newline included) and returns once it
// has been written. Write errors are not reported: the audit log must not
// stop the bridge.
func (a *auditLog) Write(line []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.batch = append(a.batch, line...)
	mine := a.next
	for a.done < mine {
		if a.writing {
			a.wrote.Wait()
			continue
		}
		// Lead: write everything queued so far, this line included.
		a.writing = true
		out, id := a.batch, a.next
		a.batch, a.spare = a.spare[:0], nil
		a.next++
		a.mu.Unlock()
		_, _ = a.w.Write(out)
		a.mu.Lock()
		a.spare = out
		a.done, a.writing = id, false
		a.wrote.Broadcast()
	}
}
