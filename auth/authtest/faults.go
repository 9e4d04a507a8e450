package authtest

import (
	"net/http"
	"strings"
	"time"
)

// Fault changes how the server answers requests to one path.
//
// A Fault with only Delay waits, then handles the request normally. A Fault
// with a Status or a Body answers with exactly that (Status 0 means 200), after
// the Delay, without running the handler: use it for 5xx, 429 or malformed
// responses.
type Fault struct {
	// Delay is waited before answering; a cancelled request stops the wait.
	Delay time.Duration
	// Status is the response status; 0 with an empty Body means "handle normally".
	Status int
	// Body is written verbatim. It is served as application/json when it
	// starts with { or [, else as text/plain.
	Body string
	// Times is how many requests the fault applies to; 0 means until cleared.
	Times int
	// Header holds extra response headers for an injected response, for
	// example Retry-After.
	Header http.Header
}

// SetFault installs f for requests whose path is exactly path, for example
// "/oauth2/token", "/platform/oauth/token" or s.ProvisionPath(). It replaces
// any fault on that path.
func (s *Server) SetFault(path string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[path] = &f
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// applyFault runs the fault for r's path, if any, and reports whether it
// wrote the response.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	f, ok := s.faults[r.URL.Path]
	var fc Fault
	if ok {
		fc = *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				delete(s.faults, r.URL.Path)
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return false
	}
	if fc.Delay > 0 {
		t := time.NewTimer(fc.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if fc.Status == 0 && fc.Body == "" {
		return false
	}
	for k, vs := range fc.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if w.Header().Get("Content-Type") == "" {
		ct := "text/plain; charset=utf-8"
		if b := strings.TrimSpace(fc.Body); strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
			ct = "application/json;charset=UTF-8"
		}
		w.Header().Set("Content-Type", ct)
	}
	status := fc.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(fc.Body))
	s.log.Debug("authtest: fault injected", "path", r.URL.Path, "status", status)
	return true
}

// SetDiscoveryHook installs h, which may change the OpenID configuration
// document before it is served (for example an issuer that differs from
// Issuer(), as a mistyped pool id or a stray trailing slash would give).
// nil clears it.
func (s *Server) SetDiscoveryHook(h func(doc map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.discoveryHook = h
}
