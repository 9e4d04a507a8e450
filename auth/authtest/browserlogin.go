package authtest

import (
	"net/http"
	"time"
)

// loginCookie is the hosted UI's cookie that remembers a browser's
// sign-in, with Cognito's name.
const loginCookie = "cognito"

// browserLoginTTL is how long the hosted UI remembers a sign-in (Cognito: 1 hour).
const browserLoginTTL = time.Hour

// browserLogin is a browser the hosted UI remembers as signed in (the
// cookie "session" of Cognito's hosted UI; not ssohelper's saved sign-in).
type browserLogin struct {
	username string
	authTime time.Time
	expires  time.Time
}

// rememberBrowser records a sign-in and sets the login cookie.
func (s *Server) rememberBrowser(w http.ResponseWriter, username string) *browserLogin {
	id := randomToken(32)
	now := s.now()
	sess := &browserLogin{username: username, authTime: now, expires: now.Add(browserLoginTTL)}
	s.mu.Lock()
	s.browserLogins[id] = sess
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return sess
}

// browserLoginOf returns the live sign-in of r's browser, or nil.
func (s *Server) browserLoginOf(r *http.Request) *browserLogin {
	c, err := r.Cookie(loginCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.browserLogins[c.Value]
	if !ok {
		return nil
	}
	if !s.now().Before(sess.expires) {
		delete(s.browserLogins, c.Value)
		return nil
	}
	return sess
}

// forgetBrowser forgets r's browser sign-in and clears the cookie.
func (s *Server) forgetBrowser(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(loginCookie); err == nil {
		s.mu.Lock()
		delete(s.browserLogins, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
