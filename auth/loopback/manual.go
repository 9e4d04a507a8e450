package loopback

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ErrNotRedirect means a pasted address is not this sign-in's redirect:
// not a URL, another path, or no code or error in it.
var ErrNotRedirect = errors.New("that is not the address the browser was sent to after signing in")

// SetStart makes the server's root, http://localhost:<port>/, redirect to
// authURL: a short address to print, to type or to open through an SSH
// port forward. Until it is set the root answers 404.
func (s *Server) SetStart(authURL string) {
	s.mu.Lock()
	s.start = authURL
	s.mu.Unlock()
}

// StartURI is the short address SetStart serves.
func (s *Server) StartURI() string { return "http://localhost:" + strconv.Itoa(s.port) + "/" }

// serveStart redirects the root to the sign-in address.
func (s *Server) serveStart(w http.ResponseWriter) {
	s.mu.Lock()
	start := s.start
	s.mu.Unlock()
	if start == "" {
		s.write(w, failure(http.StatusNotFound, pageNotFound))
		return
	}
	s.logger.Debug("short address used")
	w.Header().Set("Location", start)
	w.WriteHeader(http.StatusFound)
}

// Submit hands the server the address a browser was redirected to after
// signing in, pasted by the user (the browser runs on another machine, or
// could not reach this server): it goes through the same checks as the
// browser's own request to the callback path, the state first. It returns
// ErrNotRedirect for what is not such an address, ErrStateMismatch for one
// of another sign-in (the server keeps waiting), and nil once the address
// is queued for Wait, whose result tells the rest.
func (s *Server) Submit(pasted string) error {
	u, err := url.Parse(strings.TrimSpace(pasted))
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("%w: it is not a URL", ErrNotRedirect)
	}
	if u.Path != s.path {
		return fmt.Errorf("%w: it should start with %s", ErrNotRedirect, s.RedirectURI())
	}
	q := u.Query()
	if !q.Has("code") && !q.Has("error") {
		return fmt.Errorf("%w: it carries no code; copy the whole address from the browser's address bar", ErrNotRedirect)
	}
	select {
	case <-s.ready:
	case <-s.closing:
		return ErrClosed
	}
	if !stateMatches(q, s.expect.State) {
		s.logger.Debug("pasted address", "outcome", "state_mismatch")
		return ErrStateMismatch
	}
	s.mu.Lock()
	claimed := s.claimed
	s.claimed = true
	s.mu.Unlock()
	if claimed {
		return errors.New("this sign-in already has its answer")
	}
	s.logger.Debug("pasted address accepted for judging")
	s.callbacks <- callback{query: q, reply: make(chan response, 1)} // nobody reads the page
	return nil
}
