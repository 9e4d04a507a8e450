package authtest

import (
	"net/http"
	"time"
)

// sessionCookie is the hosted UI's session cookie name, as on Cognito.
const sessionCookie = "cognito"

// sessionTTL is how long the hosted UI remembers a sign-in (Cognito: 1 hour).
const sessionTTL = time.Hour

// session is a signed-in browser.
type session struct {
	username string
	authTime time.Time
	expires  time.Time
}

// startSession records a sign-in and sets the session cookie.
func (s *Server) startSession(w http.ResponseWriter, username string) *session {
	id := randomToken(32)
	now := s.now()
	sess := &session{username: username, authTime: now, expires: now.Add(sessionTTL)}
	s.mu.Lock()
	s.sessions[id] = sess
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return sess
}

// sessionFor returns the live session of r's browser, or nil.
func (s *Server) sessionFor(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[c.Value]
	if !ok {
		return nil
	}
	if !s.now().Before(sess.expires) {
		delete(s.sessions, c.Value)
		return nil
	}
	return sess
}

// endSession forgets r's session and clears the cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		delete(s.sessions, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
