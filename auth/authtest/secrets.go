package authtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Secrets returns every secret value that crossed the emulator so far:
// the tokens it issued (id, access, refresh, platform), the codes it
// sent to callbacks, and the PKCE verifiers, passwords, client secrets
// and refresh tokens it received. Redaction tests look for each of them
// in every log line, message and page. The order is not meaningful.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.secrets))
	for v := range s.secrets {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// secretFields are the request and answer fields that carry secrets.
var secretFields = []string{"access_token", "id_token", "refresh_token", "code", "code_verifier", "password", "client_secret"}

// recordSecrets notes the secrets of each request and answer (see Secrets).
func (s *Server) recordSecrets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var found []string
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			_ = r.ParseForm() // handlers read the parsed form later
			for _, f := range secretFields {
				found = append(found, r.PostForm.Get(f))
			}
		}
		if u, p, ok := r.BasicAuth(); ok {
			found = append(found, u+":"+p, p)
		}
		tw := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		if loc := w.Header().Get("Location"); loc != "" {
			if i := strings.IndexByte(loc, '?'); i >= 0 {
				for _, kv := range strings.Split(loc[i+1:], "&") {
					if k, v, _ := strings.Cut(kv, "="); k == "code" {
						found = append(found, v)
					}
				}
			}
		}
		if strings.Contains(w.Header().Get("Content-Type"), "json") {
			var body map[string]any
			if json.NewDecoder(bytes.NewReader(tw.body.Bytes())).Decode(&body) == nil {
				for _, f := range secretFields {
					if v, ok := body[f].(string); ok {
						found = append(found, v)
					}
				}
			}
		}
		s.mu.Lock()
		if s.secrets == nil {
			s.secrets = map[string]bool{}
		}
		for _, v := range found {
			if len(v) >= 8 { // shorter values are not secrets worth a search
				s.secrets[v] = true
			}
		}
		s.mu.Unlock()
	})
}

// teeWriter keeps the first 1 MiB of the answer's body.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if room := 1<<20 - t.body.Len(); room > 0 {
		t.body.Write(b[:min(len(b), room)])
	}
	return t.ResponseWriter.Write(b)
}

// Flush keeps streaming answers working.
func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
