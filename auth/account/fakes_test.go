package account

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
)

// t0 is the fake clock's fixed "now".
var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// errUnscripted is what a fake answers when the test gave it no script.
var errUnscripted = errors.New("fake: unscripted call")

// memStore is an in-memory Store that counts Gets and records every Put.
type memStore struct {
	mu       sync.Mutex
	data     map[string][]byte
	gets     int
	puts     [][]byte
	notFound error // returned for a missing entry; nil => ErrNotFound
	getErr   error // returned by every Get when set
	putErr   error // returned by every Put when set
	delErr   error // returned by every Delete when set
}

func newStore() *memStore { return &memStore{data: map[string][]byte{}} }

func (s *memStore) Get(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	if s.getErr != nil {
		return nil, s.getErr
	}
	b, ok := s.data[name]
	if !ok {
		if s.notFound != nil {
			return nil, s.notFound
		}
		return nil, ErrNotFound
	}
	return append([]byte(nil), b...), nil
}

func (s *memStore) Put(_ context.Context, name string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.putErr != nil {
		return s.putErr
	}
	s.data[name] = append([]byte(nil), value...)
	s.puts = append(s.puts, append([]byte(nil), value...))
	return nil
}

func (s *memStore) Delete(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.delErr != nil {
		return s.delErr
	}
	if _, ok := s.data[name]; !ok {
		if s.notFound != nil {
			return s.notFound
		}
		return ErrNotFound
	}
	delete(s.data, name)
	return nil
}

// seed stores sess under the profile's name without counting a Put.
func (s *memStore) seed(t *testing.T, profile string, sess *auth.SignIn) {
	t.Helper()
	b, err := json.Marshal(sess)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[Name(profile)] = b
}

// current decodes the stored session of profile, or nil.
func (s *memStore) current(profile string) *auth.SignIn {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.data[Name(profile)]
	if !ok {
		return nil
	}
	var sess auth.SignIn
	if json.Unmarshal(b, &sess) != nil {
		return nil
	}
	return &sess
}

// putSessions decodes every recorded Put, in order.
func (s *memStore) putSessions(t *testing.T) []auth.SignIn {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]auth.SignIn, len(s.puts))
	for i, b := range s.puts {
		if err := json.Unmarshal(b, &out[i]); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	return out
}

func (s *memStore) counts() (gets, puts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets, len(s.puts)
}

// provAnswer is one scripted answer of fakeProvider.Refresh.
type provAnswer struct {
	toks *auth.Tokens
	err  error
}

// fakeProvider answers Refresh from a script, one entry per call (the last
// entry repeats), and verifies every id_token unless verifyErr is set.
type fakeProvider struct {
	mu           sync.Mutex
	script       []provAnswer
	refreshArgs  []string
	verifyErr    error
	verifyIDs    []string
	verifyNonces []string
	onVerify     func() // runs at the start of Verify
	subject      string // sub of verified tokens; default "user-1"
	revokeArgs   []string
	revokeErr    error
	// noDisplayClaims: verified tokens carry no name or email, as a
	// provider's refreshed id_token may not.
	noDisplayClaims bool
}

// fakeRevoker records revocations; an issuer's own provider in SignOut tests.
type fakeRevoker struct {
	mu   sync.Mutex
	args []string
	err  error
}

func (r *fakeRevoker) Revoke(_ context.Context, refreshToken string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.args = append(r.args, refreshToken)
	return r.err
}

func (p *fakeProvider) Revoke(_ context.Context, refreshToken string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.revokeArgs = append(p.revokeArgs, refreshToken)
	return p.revokeErr
}

func (p *fakeProvider) Refresh(_ context.Context, refreshToken string) (*auth.Tokens, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refreshArgs = append(p.refreshArgs, refreshToken)
	if len(p.script) == 0 {
		return nil, errUnscripted
	}
	a := p.script[min(len(p.refreshArgs), len(p.script))-1]
	if a.err != nil {
		return nil, a.err
	}
	toks := *a.toks
	return &toks, nil
}

func (p *fakeProvider) Verify(_ context.Context, idToken, nonce string) (*auth.Claims, error) {
	if p.onVerify != nil {
		p.onVerify()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.verifyIDs = append(p.verifyIDs, idToken)
	p.verifyNonces = append(p.verifyNonces, nonce)
	if p.verifyErr != nil {
		return nil, p.verifyErr
	}
	sub := p.subject
	if sub == "" {
		sub = "user-1"
	}
	if p.noDisplayClaims {
		return &auth.Claims{Subject: sub, Expiry: t0.Add(time.Hour)}, nil
	}
	return &auth.Claims{Subject: sub, Email: "ana@example.com", Expiry: t0.Add(time.Hour)}, nil
}

func (p *fakeProvider) calls() (refresh, verify int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.refreshArgs), len(p.verifyIDs)
}

// platAnswer is one scripted answer of fakePlatform.
type platAnswer struct {
	tok *platform.Token
	err error
}

// fakePlatform answers Exchange and Refresh from separate scripts.
type fakePlatform struct {
	mu           sync.Mutex
	exchange     []platAnswer
	refresh      []platAnswer
	exchangeArgs []string
	refreshArgs  []string
	onRefresh    func() // runs at the start of Refresh, outside the mutex
}

func (p *fakePlatform) Exchange(_ context.Context, idToken string) (*platform.Token, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchangeArgs = append(p.exchangeArgs, idToken)
	return answer(p.exchange, len(p.exchangeArgs))
}

func (p *fakePlatform) Refresh(_ context.Context, refreshToken string) (*platform.Token, error) {
	if p.onRefresh != nil {
		p.onRefresh()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refreshArgs = append(p.refreshArgs, refreshToken)
	return answer(p.refresh, len(p.refreshArgs))
}

func (p *fakePlatform) calls() (exchange, refresh int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.exchangeArgs), len(p.refreshArgs)
}

func answer(script []platAnswer, n int) (*platform.Token, error) {
	if len(script) == 0 {
		return nil, errUnscripted
	}
	a := script[min(n, len(script))-1]
	if a.err != nil {
		return nil, a.err
	}
	tok := *a.tok
	return &tok, nil
}

// sleeps records the waits of a Backoff instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ds = append(s.ds, d)
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.ds...)
}

// The scripted errors.
func provInvalidGrant() error {
	return &auth.TokenError{Op: "refresh", Code: "invalid_grant", Status: 400}
}
func prov503() error { return &auth.TokenError{Op: "refresh", Status: 503} }
func prov429(after time.Duration) error {
	return &auth.TokenError{Op: "refresh", Status: 429, RetryAfter: after}
}
func platInvalidGrant() error {
	return &platform.Error{Op: "refresh", Status: 400, Err: platform.ErrInvalidGrant}
}
func plat503() error {
	return &platform.Error{Op: "refresh", Status: 503, Err: platform.ErrUnavailable, RetryAfter: 2 * time.Second}
}
func netTimeout() error {
	return &url.Error{Op: "Post", URL: "https://idp.example/oauth2/token",
		Err: &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}}
}
func connReset() error {
	return &url.Error{Op: "Post", URL: "https://platform.example/oauth/token",
		Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}
}

// provToks is a successful provider refresh; rt "" means no rotation.
func provToks(n, rt string) provAnswer {
	return provAnswer{toks: &auth.Tokens{IDToken: "id-" + n, AccessToken: "at-" + n, RefreshToken: rt, Expiry: t0.Add(time.Hour)}}
}

// platTok is a successful platform answer.
func platTok(n string) platAnswer {
	return platAnswer{tok: &platform.Token{AccessToken: "plat-" + n, RefreshToken: "prt-" + n, TokenType: "bearer", Expiry: t0.Add(4 * time.Hour)}}
}

// storedSession is a signed-in session whose provider tokens expire at
// provExp and whose platform token (when platExp is non-nil) at *platExp.
func storedSession(provExp time.Duration, platExp *time.Duration) *auth.SignIn {
	s := &auth.SignIn{
		Profile: "dev", Issuer: devBinding.Issuer, ClientID: devBinding.ClientID, PlatformTarget: devBinding.PlatformTarget,
		IDToken: "id-1", AccessToken: "at-1", RefreshToken: "rt-1",
		Expiry: t0.Add(provExp), Claims: auth.Claims{Subject: "user-1"}, SignedInAt: t0.Add(-time.Hour),
	}
	if platExp != nil {
		s.Platform = &platform.Token{AccessToken: "plat-1", RefreshToken: "prt-1", TokenType: "bearer", Expiry: t0.Add(*platExp)}
	}
	return s
}

func dur(d time.Duration) *time.Duration { return &d }

// devBinding is what profile "dev" names; storedSession was made with it.
var devBinding = auth.Binding{Issuer: "https://idp.example", ClientID: "client-1", PlatformTarget: "encodify https://plat.example site 36 idp cognito"}

// newManager wires a Manager for profile "dev" with the fakes; plat nil
// means platform kind "none".
func newManager(t *testing.T, st *memStore, prov *fakeProvider, plat *fakePlatform, sl *sleeps) *Manager {
	t.Helper()
	m := &Manager{
		Profile:  "dev",
		Binding:  devBinding,
		Store:    st,
		LockDir:  t.TempDir(),
		Provider: prov,
		Retry:    Backoff{Sleep: sl.Sleep},
		Now:      func() time.Time { return t0 },
	}
	if plat != nil {
		m.Platform = plat
	}
	return m
}
