package bridge

import (
	"errors"
	"net/http"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// authenticate finds the plugin of the request's secret, counting
// failures against the rate limit; it writes the refusal itself.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*Plugin, bool) {
	if !s.lim.failures.Allow0() {
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "too many failed attempts; wait a minute")
		return nil, false
	}
	s.mu.Lock()
	p := s.pluginBySecret(bearer(r))
	var cp Plugin
	if p != nil {
		cp = *p
	}
	s.mu.Unlock()
	if p == nil {
		s.lim.failures.Allow()
		s.log.Info("bridge: refused an unknown secret", "path", r.URL.Path, "origin", clean(r.Header.Get("Origin")))
		writeError(w, http.StatusUnauthorized, "unauthorized", "unknown or revoked plugin: pair again")
		return nil, false
	}
	return &cp, true
}

// token: GET /v1/token[?min_valid=30m] with the plugin's secret: the same
// JSON as `ssohelper token --format json`.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !s.lim.reads(p.ID).Allow() {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "too many token requests; a token stays valid for hours: keep it until its expiry")
		return
	}
	var minValid time.Duration
	if v := r.URL.Query().Get("min_valid"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 24*time.Hour {
			writeError(w, http.StatusBadRequest, "bad_request", "min_valid: a duration such as 30m, at most 24h")
			return
		}
		minValid = d
	}
	t, err := s.o.Tokens.Token(r.Context(), p.Profile, minValid)
	switch {
	case errors.Is(err, ErrSignInRequired):
		writeError(w, http.StatusConflict, "sign_in_required", "the user must sign in: ask with POST /v1/sign-in, or offer ssohelper://login")
		return
	case err != nil:
		s.log.Info("bridge: no token", "plugin", p.ID, "err", err)
		writeError(w, http.StatusBadGateway, "unavailable", sanitize.Text(err.Error()))
		return
	}
	s.mu.Lock()
	if q := s.plugins[p.ID]; q != nil {
		q.LastToken, q.Origin = s.o.Now(), clean(r.Header.Get("Origin"))
		q.TokenCount++
		s.dirty = true
	}
	s.mu.Unlock()
	s.audit("token", p.ID, p.Name, clean(r.Header.Get("Origin")))
	writeJSON(w, http.StatusOK, t)
}

// signIn: POST /v1/sign-in: the plugin asks the helper to offer the sign-in
// to the user; it never opens a browser by itself.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !s.lim.signIn(p.ID).Allow() {
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "the sign-in was asked for a moment ago")
		return
	}
	if err := s.o.Tokens.SignIn(r.Context(), p.Profile); err != nil {
		writeError(w, http.StatusBadGateway, "unavailable", sanitize.Text(err.Error()))
		return
	}
	s.audit("sign_in_asked", p.ID, p.Name, clean(r.Header.Get("Origin")))
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "asked", "profile": p.Profile})
}
