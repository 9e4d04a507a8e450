package loopback

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/assets"
)

const faviconPath = "/favicon.ico"

// contentSecurityPolicy allows the pages' inline style and script and
// nothing else.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " +
	"img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// response is a page to send back to the browser.
type response struct {
	status int
	ok     bool // success page, else failure page
	page   assets.Page
}

func success(p assets.Page) response             { return response{status: http.StatusOK, ok: true, page: p} }
func failure(status int, p assets.Page) response { return response{status: status, page: p} }

// handle serves every request. Only a GET on the callback path with code or
// error counts as the callback; see package doc for the guards.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", contentSecurityPolicy)

	if !s.hosts[strings.ToLower(r.Host)] {
		s.logger.Debug("request rejected", "reason", "host")
		s.write(w, failure(http.StatusBadRequest, pageBadHost))
		return
	}
	switch r.URL.Path {
	case s.path, faviconPath, "/":
	default:
		s.write(w, failure(http.StatusNotFound, pageNotFound))
		return
	}
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		s.write(w, failure(http.StatusMethodNotAllowed, pageMethod))
		return
	}
	if r.URL.Path == "/" && s.path != "/" {
		s.serveStart(w)
		return
	}
	if r.URL.Path == faviconPath {
		h.Set("Content-Type", "image/png")
		_, _ = w.Write(assets.Icon)
		return
	}
	s.callback(w, r)
}

// callback queues the first request that carries code or error and the
// expected state for Wait, and answers with Wait's verdict; it answers
// later ones with 410. A request with a missing or wrong state never takes
// the slot: it gets an error page at once, so no flood of junk requests
// can keep the browser's real redirect out.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("code") && !q.Has("error") {
		s.logger.Debug("request ignored", "reason", "no code or error")
		s.write(w, failure(http.StatusBadRequest, pageNothing))
		return
	}
	select { // the state to check is known once Wait runs
	case <-s.ready:
	default:
		s.logger.Debug("callback held until the sign-in waits for it")
		s.held.Add(1)
		select {
		case <-s.ready:
			s.held.Add(-1)
		case <-s.closing:
			s.held.Add(-1)
			s.write(w, failure(http.StatusServiceUnavailable, pageStopped))
			return
		case <-r.Context().Done():
			s.held.Add(-1)
			return
		}
	}
	if !stateMatches(q, s.expect.State) {
		s.logger.Debug("callback received", "outcome", "state_mismatch")
		s.write(w, failure(http.StatusBadRequest, pageStateMismatch))
		return
	}
	s.mu.Lock()
	claimed := s.claimed
	s.claimed = true
	s.mu.Unlock()
	if claimed {
		s.logger.Debug("callback received", "outcome", "already_finished")
		s.write(w, failure(http.StatusGone, pageFinished))
		return
	}
	cb := callback{query: q, reply: make(chan response, 1)}
	s.callbacks <- cb // never blocks: capacity 1 and only the claimer sends
	timer := time.NewTimer(finishLimit)
	defer timer.Stop()
	select {
	case resp := <-cb.reply:
		s.write(w, resp)
	case <-s.closing:
		select { // Close finishes an accepted callback before closing
		case resp := <-cb.reply:
			s.write(w, resp)
		default:
			s.write(w, failure(http.StatusServiceUnavailable, pageStopped))
		}
	case <-timer.C:
		s.write(w, success(pageReceived))
	case <-r.Context().Done():
	}
}

// write renders a page whole before sending, so a render error still gets
// a clean 500.
func (s *Server) write(w http.ResponseWriter, resp response) {
	var b bytes.Buffer
	render := assets.RenderFailure
	if resp.ok {
		render = assets.RenderSuccess
	}
	if err := render(&b, resp.page); err != nil {
		s.logger.Debug("render page", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(resp.status)
	_, _ = w.Write(b.Bytes())
}

// providerErrorPage explains an error= response other than a cancel. The
// OAuth error code is public protocol vocabulary, not a secret.
func providerErrorPage(ae *AuthError) assets.Page {
	p := pageProviderError
	p.Hint = fmt.Sprintf("Details from the identity provider: %s. %s", ae.Code, p.Hint)
	if ae.Description != "" {
		p.Hint = fmt.Sprintf("Details from the identity provider: %s (%s). %s", ae.Description, ae.Code, pageProviderError.Hint)
	}
	return p
}
