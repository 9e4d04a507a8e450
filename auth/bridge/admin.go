package bridge

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// adminOnly lets the request through with the admin token only.
func (s *Server) adminOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.admin == "" || subtle.ConstantTimeCompare([]byte(bearer(r)), []byte(s.admin)) != 1 {
			if !s.lim.failures.Allow() {
				w.Header().Set("Retry-After", "60")
				writeError(w, http.StatusTooManyRequests, "rate_limited", "too many failed attempts; wait a minute")
				return
			}
			writeError(w, http.StatusUnauthorized, "unauthorized", "the admin API is for ssohelper's own commands")
			return
		}
		next(w, r)
	}
}

func (s *Server) adminPending(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"pending": nonNil(s.Pending())})
}

func (s *Server) adminDecide(allow bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Code string `json:"code"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		req, err := s.Decide(r.Context(), in.Code, allow)
		if errors.Is(err, ErrNoRequest) {
			writeError(w, http.StatusNotFound, "unknown_code", "no pairing request waits with that code (it may have expired)")
			return
		}
		if err != nil {
			writeError(w, http.StatusInternalServerError, "store", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, req)
	}
}

func (s *Server) adminPlugins(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"plugins": nonNil(s.Plugins())})
}

func (s *Server) adminRevoke(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID string `json:"id"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	err := s.Revoke(r.Context(), in.ID)
	if errors.Is(err, ErrNoPlugin) {
		writeError(w, http.StatusNotFound, "unknown_plugin", "no paired plugin has that id")
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, "store", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"revoked": in.ID})
}

func (s *Server) adminQuit(w http.ResponseWriter, _ *http.Request) {
	if s.o.OnQuit == nil {
		writeError(w, http.StatusNotFound, "not_supported", "this bridge stops with its process")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "quitting"})
	go s.o.OnQuit()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeAdminToken writes a fresh admin token to path, readable by the user
// alone (0600, in a 0700 directory).
func writeAdminToken(path string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("bridge: admin token: %w", err)
	}
	tok := newSecret()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("bridge: admin token: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("bridge: admin token: %w", err)
	}
	return tok, nil
}

// removeAdminToken removes the file if it still holds tok.
func removeAdminToken(path, tok string) {
	if path == "" || tok == "" {
		return
	}
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == tok {
		os.Remove(path)
	}
}

// ReadAdminToken reads the admin token the running bridge wrote.
func ReadAdminToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}
