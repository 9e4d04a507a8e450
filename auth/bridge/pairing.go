package bridge

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// PairRequest is a plugin's request to pair, as the user is asked about it.
type PairRequest struct {
	Request string    `json:"request"` // the id the plugin polls with (secret to it)
	Code    string    `json:"code"`    // 4 digits, shown to the plugin and the user
	ID      string    `json:"id"`      // the plugin's id
	Name    string    `json:"name"`    // the plugin's display name
	Profile string    `json:"profile"` // the profile it asks for
	Origin  string    `json:"origin,omitempty"`
	Expires time.Time `json:"expires"`
}

// pairing is a request and its answer.
type pairing struct {
	req    PairRequest
	status string // pending, approved, denied, expired, collected
	secret string // handed out once, then forgotten
}

// Errors of Decide and Revoke.
var (
	ErrNoRequest = errors.New("no pairing request waits with that code")
	ErrNoPlugin  = errors.New("no paired plugin has that id")
)

var pluginID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`) })

// pairRequest: POST /v1/pair {"id", "name", "profile"?}.
func (s *Server) pairRequest(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Profile string `json:"profile"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	name := strings.TrimSpace(sanitize.Text(in.Name))
	if !pluginID().MatchString(in.ID) || name == "" || len(name) > 60 {
		writeError(w, http.StatusBadRequest, "bad_request", "id: 1-100 letters, digits, '.', '_' or '-'; name: 1-60 printable characters")
		return
	}
	profile := in.Profile
	if profile == "" {
		profile = s.o.Profile
	}
	if !pluginID().MatchString(profile) {
		writeError(w, http.StatusBadRequest, "bad_request", "profile: not a profile name")
		return
	}
	if !s.lim.pair.Allow() { // so a page cannot flood the user with dialogs
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "too many pairing requests; try again in a few seconds")
		return
	}
	s.mu.Lock()
	n := 0
	for _, p := range s.pending {
		if p.status == "pending" {
			n++
		}
	}
	if n >= maxPending {
		s.mu.Unlock()
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "other pairing requests wait for the user; try again later")
		return
	}
	req := PairRequest{Request: newSecret()[:32], Code: s.newCode(), ID: in.ID, Name: name, Profile: profile,
		Origin: clean(r.Header.Get("Origin")), Expires: s.o.Now().Add(s.o.PairTTL)}
	s.pending[req.Request] = &pairing{req: req, status: "pending"}
	s.mu.Unlock()
	s.audit("pair_requested", req.ID, req.Name, req.Origin)
	s.log.Info("bridge: pairing requested", "plugin", req.ID, "name", req.Name, "profile", profile, "origin", req.Origin)
	if s.o.Ask != nil {
		go s.o.Ask(req)
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"request": req.Request, "code": req.Code,
		"expires_in": int(s.o.PairTTL / time.Second), "status": "pending"})
}

// maxPending bounds pairing requests waiting for the user.
const maxPending = 3

// newCode is a 4-digit code no pending request has. Call with s.mu held.
func (s *Server) newCode() string {
	for {
		n, _ := rand.Int(rand.Reader, big.NewInt(10000))
		code := fmt.Sprintf("%04d", n.Int64())
		taken := false
		for _, p := range s.pending {
			taken = taken || (p.status == "pending" && p.req.Code == code)
		}
		if !taken {
			return code
		}
	}
}

// pairStatus: GET /v1/pair/{request}: pending, denied, expired, or, once,
// approved with the secret.
func (s *Server) pairStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.pending[r.PathValue("request")]
	if p == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "unknown_request", "no such pairing request (it may have been answered and collected)")
		return
	}
	s.expire(p)
	out := map[string]any{"status": p.status, "plugin": p.req.ID, "profile": p.req.Profile}
	switch p.status {
	case "pending":
		out["expires_in"] = int(p.req.Expires.Sub(s.o.Now()) / time.Second)
	case "approved":
		out["secret"] = p.secret
		p.secret, p.status = "", "collected"
		delete(s.pending, p.req.Request)
	default:
		delete(s.pending, p.req.Request)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// expire ends p when its time is up. Call with s.mu held.
func (s *Server) expire(p *pairing) {
	if p.status == "pending" && !s.o.Now().Before(p.req.Expires) {
		p.status = "expired"
		s.audit("pair_expired", p.req.ID, p.req.Name, p.req.Origin)
	}
}

// Pending lists the requests waiting for the user.
func (s *Server) Pending() []PairRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []PairRequest
	for _, p := range s.pending {
		s.expire(p)
		if p.status == "pending" {
			out = append(out, p.req)
		}
	}
	slices.SortFunc(out, func(a, b PairRequest) int { return a.Expires.Compare(b.Expires) })
	return out
}

// Decide answers the pending request with code: allow pairs the plugin
// (replacing an earlier pairing of the same id) and keeps its secret for
// the plugin to collect once.
func (s *Server) Decide(ctx context.Context, code string, allow bool) (PairRequest, error) {
	s.mu.Lock()
	var p *pairing
	for _, c := range s.pending {
		s.expire(c)
		if c.status == "pending" && c.req.Code == code {
			p = c
		}
	}
	if p == nil {
		s.mu.Unlock()
		return PairRequest{}, ErrNoRequest
	}
	if !allow {
		p.status = "denied"
		s.mu.Unlock()
		s.audit("pair_denied", p.req.ID, p.req.Name, p.req.Origin)
		return p.req, nil
	}
	secret := newSecret()
	p.status, p.secret = "approved", secret
	old := s.plugins[p.req.ID]
	s.plugins[p.req.ID] = &Plugin{ID: p.req.ID, Name: p.req.Name, Profile: p.req.Profile, SecretHash: hashSecret(secret),
		PairedAt: s.o.Now(), Origin: p.req.Origin}
	list := s.pluginList()
	s.mu.Unlock()
	if old != nil {
		s.dropSubscribers(old.ID, "paired again")
	}
	if err := s.o.Store.Save(ctx, list); err != nil {
		return p.req, fmt.Errorf("bridge: saving the pairing: %w", err)
	}
	s.audit("pair_approved", p.req.ID, p.req.Name, p.req.Origin)
	return p.req, nil
}

// Revoke ends a plugin's pairing at once, its push connections included.
func (s *Server) Revoke(ctx context.Context, id string) error {
	s.mu.Lock()
	p := s.plugins[id]
	if p == nil {
		s.mu.Unlock()
		return ErrNoPlugin
	}
	delete(s.plugins, id)
	list := s.pluginList()
	s.mu.Unlock()
	s.publishTo(id, Event{Type: EventPluginRevoked, Profile: p.Profile})
	s.dropSubscribers(id, "revoked")
	if err := s.o.Store.Save(ctx, list); err != nil {
		return fmt.Errorf("bridge: saving the revocation: %w", err)
	}
	s.audit("revoked", p.ID, p.Name, "")
	return nil
}

// Plugins lists the paired plugins, secrets left out.
func (s *Server) Plugins() []Plugin {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.pluginList()
	for i := range list {
		list[i].SecretHash = ""
	}
	return list
}

// pluginList copies the plugins, sorted by id. Call with s.mu held.
func (s *Server) pluginList() []Plugin {
	list := make([]Plugin, 0, len(s.plugins))
	for _, p := range s.plugins {
		list = append(list, *p)
	}
	slices.SortFunc(list, func(a, b Plugin) int { return strings.Compare(a.ID, b.ID) })
	return list
}

// housekeeping expires pairing requests and saves plugin statistics (at
// most every 10 s: no store write per token).
func (s *Server) housekeeping() {
	defer s.wg.Done()
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.closed:
			return
		case <-t.C:
			s.Pending()
			if err := s.saveIfDirty(); err != nil {
				s.log.Info("bridge: saving plugin statistics", "err", err)
			}
		}
	}
}

func (s *Server) saveIfDirty() error {
	s.mu.Lock()
	if !s.dirty {
		s.mu.Unlock()
		return nil
	}
	s.dirty = false
	list := s.pluginList()
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.o.Store.Save(ctx, list)
}

// audit appends one line to the audit log: what happened to which
// plugin. Never a token or secret.
func (s *Server) audit(event, id, name, origin string) {
	if s.auditLog == nil {
		return
	}
	// The fields in the order a map of them gave, as lines always had.
	line, _ := json.Marshal(struct {
		Event  string `json:"event"`
		Name   string `json:"name"`
		Origin string `json:"origin"`
		Plugin string `json:"plugin"`
		Time   string `json:"time"`
	}{event, name, origin, id, s.o.Now().UTC().Format(time.RFC3339)})
	s.auditLog.Write(append(line, '\n'))
}

// clean makes text from a request safe and short for logs.
func clean(s string) string {
	s = sanitize.Text(s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
