package authtest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a running Cognito user pool and platform emulator. All methods
// are safe for concurrent use.
type Server struct {
	opts     Options
	log      *slog.Logger
	url      string
	listener net.Listener
	http     *http.Server
	clients  map[string]Client
	users    map[string]User // lower-case username -> user
	mapping  platformMapping

	mu            sync.Mutex
	keys          []keyPair // keys[0] signs; the rest are still published
	counts        Counts
	faults        map[string]*Fault
	idHook        func(map[string]any)
	discoveryHook func(map[string]any)
	tamperID      bool
	codes         map[string]*authCode
	browserLogins map[string]*browserLogin
	refresh       map[string]*refreshState
	revoked       map[string]bool // revoked origin_jti (token families)
	platform      platformState
	secrets       map[string]bool // see Secrets
}

// NewServer starts a server on opts.Addr and returns once it is listening.
// Call Close when done.
func NewServer(opts Options) (*Server, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	mapping, err := parsePlatformMapping(o.Platform)
	if err != nil {
		return nil, err
	}
	keys, err := newKeyPair()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:          o,
		log:           o.Logger,
		clients:       map[string]Client{},
		users:         map[string]User{},
		mapping:       mapping,
		keys:          []keyPair{keys},
		faults:        map[string]*Fault{},
		codes:         map[string]*authCode{},
		browserLogins: map[string]*browserLogin{},
		refresh:       map[string]*refreshState{},
		revoked:       map[string]bool{},
		platform:      newPlatformState(),
	}
	for _, c := range o.Clients {
		if len(c.Scopes) == 0 {
			c.Scopes = []string{"openid", "email", "phone", "profile"}
		}
		s.clients[c.ID] = c
	}
	for _, u := range o.Users {
		if u.Sub == "" {
			u.Sub = newUUID()
		}
		s.users[strings.ToLower(u.Username)] = u
	}

	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("authtest: listen on %s: %w", o.Addr, err)
	}
	scheme, host := "http", ln.Addr().String()
	if o.TLS != nil {
		scheme, ln = "https", tls.NewListener(ln, o.TLS)
	}
	if o.Host != "" {
		_, port, _ := net.SplitHostPort(host)
		host = net.JoinHostPort(o.Host, port)
	}
	s.listener = ln
	s.url = scheme + "://" + host
	s.http = &http.Server{
		Handler:           s.recordSecrets(s.handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelDebug),
	}
	go func() {
		// Serve returns when Close closes the listener.
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("authtest: serve", "err", err)
		}
	}()
	s.log.Debug("authtest: listening", "url", s.url, "pool", o.PoolID)
	return s, nil
}

// URL returns the base URL of the hosted UI and OAuth endpoints, for example
// http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// PoolID returns the user pool id.
func (s *Server) PoolID() string { return s.opts.PoolID }

// Issuer returns the token issuer, URL()+"/"+PoolID().
func (s *Server) Issuer() string { return s.url + "/" + s.opts.PoolID }

// PlatformURL returns the platform base URL, URL()+"/platform".
func (s *Server) PlatformURL() string { return s.url + "/platform" }

// Close stops the server and closes all connections.
func (s *Server) Close() error {
	if err := s.http.Close(); err != nil {
		return fmt.Errorf("authtest: close: %w", err)
	}
	return nil
}

func (s *Server) now() time.Time { return s.opts.Now() }

// handler builds the route table, wrapped in counting, fault injection and
// request logging.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	wk := "/" + s.opts.PoolID + "/.well-known/"
	mux.HandleFunc("GET "+wk+"openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET "+wk+"jwks.json", s.handleJWKS)
	mux.HandleFunc("/oauth2/authorize", s.handleAuthorize)
	mux.HandleFunc("/authorize", s.handleAuthorize)
	mux.HandleFunc("/login", s.handleLogin)
	mux.HandleFunc("GET /error", s.handleErrorPage)
	mux.HandleFunc("/oauth2/token", s.handleToken)
	mux.HandleFunc("/oauth2/userInfo", s.handleUserInfo)
	mux.HandleFunc("/oauth2/revoke", s.handleRevoke)
	mux.HandleFunc("/logout", s.handleLogout)
	mux.HandleFunc("/platform/oauth/token", s.handlePlatformToken)
	mux.HandleFunc("/platform/rest/external/site/{site}/idp/{idp}/provisionByOpenIdToken", s.handleProvision)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		s.count(r)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		if !s.applyFault(rec, r) {
			mux.ServeHTTP(rec, r)
		}
		// Only the method, path and status: queries and bodies carry codes and tokens.
		s.log.Debug("authtest: request", "method", r.Method, "path", r.URL.Path, "status", rec.status)
	})
}

// statusRecorder remembers the status code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
