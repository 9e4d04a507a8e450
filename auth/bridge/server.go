package bridge

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ssohelper/ssohelper/auth/handoff"
	"github.com/ssohelper/ssohelper/auth/loopback"
)

// APIVersion is the version in the API's paths (/v1/…) and in hello.
const APIVersion = 1

// DefaultPort is the bridge's documented loopback port.
const DefaultPort = 47615

// DefaultTokenRate is the generous cap on a plugin's token reads a
// second: a runaway loop cannot keep the helper busy.
const DefaultTokenRate = 100

// ErrPortBusy means the bridge's port is taken on a loopback address.
var ErrPortBusy = errors.New("bridge: the port is in use")

// ErrSignInRequired is what Tokens returns (wrapped) when only a sign-in
// can give a token; plugins get the typed answer sign_in_required.
var ErrSignInRequired = errors.New("sign-in required")

// Tokens gives the bridge the user's tokens; cmd wires it to the same
// account manager and lock as the commands.
type Tokens interface {
	// Token is profile's token, renewed when less than minValid is left.
	// Errors matching ErrSignInRequired mean only a sign-in can help.
	Token(ctx context.Context, profile string, minValid time.Duration) (handoff.Token, error)
	// SignIn asks the user to sign in to profile: the desktop app shows
	// its window (the user clicks), headless it is said on stderr. It
	// never opens a browser by itself.
	SignIn(ctx context.Context, profile string) error
}

// Store keeps the paired plugins (with their secrets hashed) across runs.
type Store interface {
	Load(ctx context.Context) ([]Plugin, error)
	Save(ctx context.Context, plugins []Plugin) error
}

// Plugin is a paired plugin.
type Plugin struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Profile    string    `json:"profile"`
	SecretHash string    `json:"secret_sha256"` // hex SHA-256 of the secret
	PairedAt   time.Time `json:"paired_at"`
	LastToken  time.Time `json:"last_token,omitzero"`
	TokenCount int       `json:"token_count"`
	Origin     string    `json:"origin,omitempty"` // the Origin it sent last ("" for none)
}

// Options configure a Server.
type Options struct {
	Port    int      // DefaultPort when 0
	Version string   // the helper's version, for hello
	Profile string   // the profile plugins get when they name none
	Origins []string // web origins the admin allow-listed (exact)
	Tokens  Tokens
	Store   Store
	// Ask shows a pairing request to the user (the desktop app's dialog);
	// nil: headless, the user answers with `ssohelper bridge approve`.
	Ask func(PairRequest)
	// Desktop says whether the desktop app runs this bridge (hello).
	Desktop bool
	// AdminTokenPath is where the admin token file goes (0600); "" means
	// no admin API.
	AdminTokenPath string
	Audit          io.Writer // append-only audit log (JSON lines); nil: none
	Logger         *slog.Logger
	Now            func() time.Time
	// PairTTL is how long a pairing request waits for an answer (2 min).
	PairTTL time.Duration
	// TokenRate caps successful token reads per plugin and second
	// (bursts of twice that); DefaultTokenRate when 0.
	TokenRate float64
	// OnQuit, when set, is called by the admin API's quit (the desktop app
	// quitting stops the bridge it started).
	OnQuit func()
}

// Server is the bridge.
type Server struct {
	o     Options
	log   *slog.Logger
	http  *http.Server
	ls    []net.Listener
	hosts map[string]bool
	admin string // the admin token; "" when there is no admin API
	lim   *limits

	auditLog *auditLog // nil: no audit log

	mu      sync.Mutex
	plugins map[string]*Plugin // by id
	pending map[string]*pairing
	subs    map[*subscriber]struct{}
	dirty   bool // plugin stats changed since the last save
	closed  chan struct{}
	wg      sync.WaitGroup
}

// New loads the paired plugins and prepares a server; Listen starts it.
func New(ctx context.Context, o Options) (*Server, error) {
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if o.Tokens == nil || o.Store == nil {
		return nil, errors.New("bridge: Tokens and Store are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenRate <= 0 {
		o.TokenRate = DefaultTokenRate
	}
	if o.PairTTL == 0 {
		o.PairTTL = 2 * time.Minute
	}
	for _, origin := range o.Origins {
		if !isWebOrigin(origin) || strings.HasSuffix(origin, "/") {
			return nil, fmt.Errorf("bridge: allowed origin %q: write it as scheme://host[:port], as browsers send it", origin)
		}
	}
	list, err := o.Store.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("bridge: loading the paired plugins: %w", err)
	}
	s := &Server{
		o: o, log: o.Logger, lim: newLimits(o.TokenRate),
		plugins: map[string]*Plugin{}, pending: map[string]*pairing{}, subs: map[*subscriber]struct{}{},
		closed: make(chan struct{}),
	}
	if o.Audit != nil {
		s.auditLog = newAuditLog(o.Audit)
	}
	for i := range list {
		p := list[i]
		s.plugins[p.ID] = &p
	}
	p := strconv.Itoa(o.Port)
	s.hosts = map[string]bool{"127.0.0.1:" + p: true, "localhost:" + p: true, "[::1]:" + p: true}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelDebug),
	}
	return s, nil
}

// Listen binds the port on 127.0.0.1 and [::1] (127.0.0.1 alone when the
// host has no IPv6 loopback) and serves until Close. A taken port gives an
// error wrapping ErrPortBusy.
func (s *Server) Listen() error {
	for _, addr := range []string{"127.0.0.1", "::1"} {
		l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(s.o.Port)))
		if err != nil {
			if addr == "::1" && !loopback.AddrInUse(err) {
				s.log.Debug("bridge: no IPv6 loopback", "err", err)
				continue
			}
			for _, l := range s.ls {
				l.Close()
			}
			s.ls = nil
			if loopback.AddrInUse(err) {
				return fmt.Errorf("%w: %d on %s", ErrPortBusy, s.o.Port, addr)
			}
			return fmt.Errorf("bridge: listen on %s: %w", addr, err)
		}
		s.ls = append(s.ls, l)
	}
	if s.o.AdminTokenPath != "" {
		tok, err := writeAdminToken(s.o.AdminTokenPath)
		if err != nil {
			s.closeListeners()
			return err
		}
		s.admin = tok
	}
	for _, l := range s.ls {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.http.Serve(l); !errors.Is(err, http.ErrServerClosed) {
				s.log.Debug("bridge: serve", "err", err)
			}
		}()
	}
	s.wg.Add(1)
	go s.housekeeping()
	s.log.Info("bridge listening", "port", s.o.Port)
	return nil
}

func (s *Server) closeListeners() {
	for _, l := range s.ls {
		l.Close()
	}
}

// Close stops the bridge: push connections end, pending requests are
// dropped, plugin statistics are saved, the admin token file removed.
func (s *Server) Close() error {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return nil
	default:
	}
	close(s.closed)
	for sub := range s.subs {
		sub.stop("the helper is quitting")
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	s.wg.Wait()
	removeAdminToken(s.o.AdminTokenPath, s.admin)
	return errors.Join(err, s.saveIfDirty())
}

// Port is the port the bridge serves.
func (s *Server) Port() int { return s.o.Port }

// Handler is the bridge's HTTP handler, guards included.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/hello", s.hello)
	mux.HandleFunc("POST /v1/pair", s.pairRequest)
	mux.HandleFunc("GET /v1/pair/{request}", s.pairStatus)
	mux.HandleFunc("GET /v1/token", s.token)
	mux.HandleFunc("POST /v1/sign-in", s.signIn)
	mux.HandleFunc("GET /v1/events", s.events)
	mux.HandleFunc("GET /v1/admin/pending", s.adminOnly(s.adminPending))
	mux.HandleFunc("POST /v1/admin/approve", s.adminOnly(s.adminDecide(true)))
	mux.HandleFunc("POST /v1/admin/deny", s.adminOnly(s.adminDecide(false)))
	mux.HandleFunc("GET /v1/admin/plugins", s.adminOnly(s.adminPlugins))
	mux.HandleFunc("POST /v1/admin/revoke", s.adminOnly(s.adminRevoke))
	mux.HandleFunc("POST /v1/admin/quit", s.adminOnly(s.adminQuit))
	return s.guard(mux)
}

// guard refuses what no plugin sends: a foreign Host (DNS rebinding), a
// web Origin the admin did not allow; it bounds bodies and time.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		if !s.hosts[strings.ToLower(r.Host)] {
			s.log.Debug("bridge: refused", "reason", "host")
			writeError(w, http.StatusMisdirectedRequest, "bad_host", "the Host header must be 127.0.0.1, localhost or [::1] with the bridge's port")
			return
		}
		origin := r.Header.Get("Origin")
		if origin != "" && isWebOrigin(origin) {
			if !s.allowedOrigin(origin) {
				s.log.Info("bridge: refused a web origin", "origin", clean(origin), "path", r.URL.Path)
				writeError(w, http.StatusForbidden, "origin_refused", "requests from web pages are refused; an admin can allow an exact origin")
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Vary", "Origin")
			if r.Method == http.MethodOptions {
				h.Set("Access-Control-Allow-Methods", "GET, POST")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if r.URL.Path != "/v1/events" { // a WebSocket lives on; its own deadlines apply
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Now().Add(10 * time.Second))
			_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// maxBody bounds request bodies: they are small JSON objects.
const maxBody = 4 << 10

func (s *Server) allowedOrigin(origin string) bool {
	for _, o := range s.o.Origins {
		if o == origin {
			return true
		}
	}
	return false
}

// isWebOrigin reports whether origin is what a web page sends: an http
// or https origin, or "null" (sandboxed frames, file pages, redirects).
func isWebOrigin(origin string) bool {
	o := strings.ToLower(origin)
	return o == "null" || strings.HasPrefix(o, "http://") || strings.HasPrefix(o, "https://")
}

// Hello is what GET /v1/hello answers: nothing about the user.
type Hello struct {
	Helper  string `json:"helper"`
	Version string `json:"version"`
	API     int    `json:"api"`
	Desktop bool   `json:"desktop"`
}

func (s *Server) hello(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Hello{Helper: "ssohelper", Version: s.o.Version, API: APIVersion, Desktop: s.o.Desktop})
}

// APIError is the JSON of every error answer.
type APIError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, APIError{Error: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes a small JSON body into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", "the request body is too large")
			return false
		}
		writeError(w, http.StatusBadRequest, "bad_request", "the body must be one JSON object with the documented fields")
		return false
	}
	return true
}

// newSecret is 256 random bits, base64url-like hex.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func hashSecret(secret string) string { return HashSecret(secret) }

// HashSecret is how a plugin secret is stored: hex SHA-256.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// pluginBySecret finds the plugin whose secret this is, comparing every
// hash in constant time. Call with s.mu held.
func (s *Server) pluginBySecret(secret string) *Plugin {
	if secret == "" {
		return nil
	}
	h := []byte(hashSecret(secret))
	var found *Plugin
	for _, p := range s.plugins {
		if subtle.ConstantTimeCompare(h, []byte(p.SecretHash)) == 1 {
			found = p
		}
	}
	return found
}

// bearer is the request's Authorization: Bearer value.
func bearer(r *http.Request) string {
	v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(v)
}
