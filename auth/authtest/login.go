package authtest

import (
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// loginPage is the hosted login page. The markup (form action, input and
// button names and ids) is part of the team contract: Browser and the
// Chromium end-to-end tests fill it in.
var loginPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style>
body{font-family:system-ui,sans-serif;background:#f2f3f3;margin:0}
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.1rem;margin:0 0 1.2rem}
label{display:block;margin:.8rem 0 .3rem;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1.2rem;padding:.5rem 1rem;font-size:1rem}
#signin{background:#ec7211;color:#fff;border:0;border-radius:4px}
.error{color:#b00020;margin:0 0 .8rem}
.hint{margin-top:1.5rem;padding:.8rem;background:#eef5fb;border-radius:4px;font-size:.85rem}
</style>
</head>
<body>
<main>
<h1>ssohelper demo — Cognito emulator</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="_csrf" value="{{.CSRF}}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" value="{{.Username}}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" name="signin" id="signin" value="signin">Sign in</button>
<button type="submit" name="cancel" id="cancel" value="cancel" formnovalidate>Cancel</button>
</form>
<div class="hint">This page is a local emulator of the Amazon Cognito hosted UI; nothing leaves this computer.
{{if .Usernames}}Demo accounts: {{.Usernames}}. <code>ssohelper demo</code> prints their passwords.{{end}}</div>
</main>
</body>
</html>
`))
})

// Messages the login page shows.
const (
	msgIncorrect = "Incorrect username or password."
	msgExpired   = "Your sign-in form expired. Please try again."
)

// xsrfCookie pairs with the form's _csrf field, as on Cognito's hosted UI.
const xsrfCookie = "XSRF-TOKEN"

type loginView struct {
	Action, CSRF, Error, Username, Usernames string
}

// handleLogin shows the login form (GET) and checks it (POST).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	req, ok := s.parseAuthRequest(w, r.URL.Query())
	if !ok {
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.renderLogin(w, r, "", "", http.StatusOK)
	case http.MethodPost:
		s.submitLogin(w, r, req)
	default:
		writeErrorPage(w, http.StatusMethodNotAllowed, "")
	}
}

func (s *Server) submitLogin(w http.ResponseWriter, r *http.Request, req *authRequest) {
	if err := r.ParseForm(); err != nil {
		writeErrorPage(w, http.StatusBadRequest, "")
		return
	}
	c, err := r.Cookie(xsrfCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get("_csrf"))) != 1 {
		s.log.Debug("authtest: login: csrf mismatch")
		s.renderLogin(w, r, msgExpired, "", http.StatusOK)
		return
	}
	if r.PostForm.Has("cancel") {
		s.log.Debug("authtest: login: cancelled")
		redirectWith(w, req.redirectURI, s.callbackParams(url.Values{
			"error":             {"access_denied"},
			"error_description": {"User cancelled the sign-in"},
			"state":             {req.state},
		}))
		return
	}
	username := r.PostForm.Get("username")
	user, ok := s.users[strings.ToLower(username)]
	if !ok || subtle.ConstantTimeCompare([]byte(user.Password), []byte(r.PostForm.Get("password"))) != 1 {
		s.log.Debug("authtest: login: incorrect username or password")
		s.renderLogin(w, r, msgIncorrect, username, http.StatusOK)
		return
	}
	sess := s.rememberBrowser(w, user.Username)
	s.log.Debug("authtest: login: signed in", "username", user.Username)
	s.redirectWithCode(w, req, user.Username, sess.authTime)
}

// renderLogin writes the form, reusing or setting the XSRF cookie.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, msg, username string, status int) {
	token := ""
	if c, err := r.Cookie(xsrfCookie); err == nil && c.Value != "" {
		token = c.Value
	} else {
		token = randomToken(24)
		http.SetCookie(w, &http.Cookie{Name: xsrfCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	names := make([]string, 0, len(s.users))
	for _, u := range s.users {
		names = append(names, u.Username)
	}
	slices.Sort(names)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage().Execute(w, loginView{
		Action:    "/login?" + r.URL.RawQuery,
		CSRF:      token,
		Error:     msg,
		Username:  username,
		Usernames: strings.Join(names, ", "),
	})
}
