package loopback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// shutdownLimit bounds the graceful part of Close.
const shutdownLimit = 2 * time.Second

// Config says where the callback server listens.
type Config struct {
	// Ports are the fixed callback ports, tried in order. Each MUST be
	// registered in the app client as http://localhost:<port><Path>.
	// 0 asks the OS for a free port: for tests, or providers that accept any
	// loopback port (not Cognito). Required.
	Ports []int
	// Path is the callback path. Default "/callback".
	Path string
	// Logger receives debug logs. Default: discard.
	Logger *slog.Logger
}

// Server is a running callback server on one port of 127.0.0.1 and [::1].
// Its goroutines exit when Close returns.
type Server struct {
	path      string
	port      int
	hosts     map[string]bool // allowed Host header values
	logger    *slog.Logger
	listeners []net.Listener
	http      *http.Server
	serving   sync.WaitGroup

	callbacks chan callback // capacity 1; at most one send ever
	closing   chan struct{} // closed by Close
	ready     chan struct{} // closed by the first Wait, once expect is set
	readyOnce sync.Once
	expect    Expect        // what the callback must carry; read after <-ready
	held      atomic.Int32  // callbacks waiting for the first Wait (tests watch it)
	decided   chan struct{} // closed once Wait has judged the callback

	mu      sync.Mutex
	claimed bool // a callback has been queued
	result  Result
	err     error
	pending chan response // the accepted callback's browser, waiting for Finish
	start   string        // where the root redirects (SetStart)

	conns   sync.Mutex
	active  map[net.Conn]bool // connections handling a request
	allIdle chan struct{}     // closed when active empties; nil unless Close waits

	closeOnce sync.Once
	closeErr  error
}

// Listen starts the callback server on the first port in cfg.Ports where
// both 127.0.0.1 and [::1] bind (or 127.0.0.1 alone when the host has no
// IPv6 loopback). When none does, the error wraps ErrPortsBusy. The caller
// MUST call Close.
func Listen(ctx context.Context, cfg Config) (*Server, error) {
	path, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var reasons []string
	for _, p := range cfg.Ports {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("loopback: listen: %w", err)
		}
		ls, port, v6, err := bind(ctx, p)
		if err != nil {
			logger.Debug("callback port unavailable", "port", p, "error", err)
			reasons = append(reasons, reason(p, err))
			continue
		}
		s := newServer(path, port, ls, logger)
		logger.Debug("callback server listening", "port", port, "ipv6", v6, "redirect_uri", s.RedirectURI())
		return s, nil
	}
	return nil, portsBusyError(reasons, path)
}

func (c Config) validate() (string, error) {
	if len(c.Ports) == 0 {
		return "", errors.New("loopback: no callback ports configured")
	}
	for _, p := range c.Ports {
		if p < 0 || p > 65535 {
			return "", fmt.Errorf("loopback: invalid callback port %d", p)
		}
	}
	path := c.Path
	if path == "" {
		path = "/callback"
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") || path == faviconPath {
		return "", fmt.Errorf("loopback: invalid callback path %q: want an absolute path such as /callback", path)
	}
	return path, nil
}

func newServer(path string, port int, ls []net.Listener, logger *slog.Logger) *Server {
	p := strconv.Itoa(port)
	s := &Server{
		path:      path,
		port:      port,
		hosts:     map[string]bool{"localhost:" + p: true, "127.0.0.1:" + p: true, "[::1]:" + p: true},
		logger:    logger,
		listeners: ls,
		callbacks: make(chan callback, 1),
		closing:   make(chan struct{}),
		ready:     make(chan struct{}),
		decided:   make(chan struct{}),
		active:    map[net.Conn]bool{},
	}
	if port == 80 { // browsers leave the default port out of Host
		s.hosts["localhost"], s.hosts["127.0.0.1"], s.hosts["[::1]"] = true, true, true
	}
	s.http = &http.Server{
		Handler: http.HandlerFunc(s.handle),
		// No ReadTimeout: its deadline would cancel a callback request
		// still waiting for Wait. GET has no body; the header timeout
		// is the slow-client guard.
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
		ConnState:         s.connState,
	}
	for _, l := range ls {
		s.serving.Add(1)
		go func() { // exits when Close shuts the server down
			defer s.serving.Done()
			if err := s.http.Serve(l); !errors.Is(err, http.ErrServerClosed) {
				logger.Debug("callback server stopped", "error", err)
			}
		}()
	}
	return s
}

// connState tracks the connections handling a request (http.Server's
// ConnState hook).
func (s *Server) connState(c net.Conn, st http.ConnState) {
	s.conns.Lock()
	defer s.conns.Unlock()
	if st == http.StateActive {
		s.active[c] = true
		return
	}
	delete(s.active, c)
	if len(s.active) == 0 && s.allIdle != nil {
		close(s.allIdle)
		s.allIdle = nil
	}
}

// waitIdle returns once no request is being handled (true), or when ctx
// ends (false).
func (s *Server) waitIdle(ctx context.Context) bool {
	s.conns.Lock()
	if len(s.active) == 0 {
		s.conns.Unlock()
		return true
	}
	idle := make(chan struct{})
	s.allIdle = idle
	s.conns.Unlock()
	select {
	case <-idle:
		return true
	case <-ctx.Done():
		return false
	}
}

// Port returns the port the server listens on.
func (s *Server) Port() int { return s.port }

// RedirectURI returns "http://localhost:<port><path>", the redirect_uri to
// send in the authorization and token requests.
func (s *Server) RedirectURI() string {
	return "http://localhost:" + strconv.Itoa(s.port) + s.path
}

// Close stops the server: it ends pending callbacks, lets requests in
// flight finish for up to 2 s, then drops them and every other
// connection. It is safe to call more
// than once; later calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.reply(success(pageReceived)) // an accepted callback nobody finished
		close(s.closing)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownLimit)
		defer cancel()
		// Requests in flight finish first, each page whole. What is left
		// then carries no request: idle keep-alive connections, and
		// connections a browser opened ahead and never used, which
		// http.Server.Shutdown would wait up to 5 s for. Close drops them.
		if !s.waitIdle(ctx) {
			s.logger.Debug("callback server forced closed", "after", shutdownLimit)
		}
		err := s.http.Close()
		s.serving.Wait()
		if err != nil {
			s.closeErr = fmt.Errorf("loopback: close: %w", err)
		}
	})
	return s.closeErr
}
