package account

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/ssohelper/ssohelper/auth"
)

// TestTokenSingleRefresher: many Managers (as in many processes) sharing one
// store and lock directory ask at expiry; exactly one refreshes and all get
// its token. Each Manager's flock opens its own file description, so the
// locks exclude each other within this process too.
func TestTokenSingleRefresher(t *testing.T) {
	const n = 16
	st, lockDir := newStore(), t.TempDir()
	st.seed(t, "dev", storedSession(time.Hour, dur(-time.Minute)))
	plat := &fakePlatform{refresh: []platAnswer{platTok("2")}}
	// Hold the refresh until every other caller has read the stale session
	// and so is queued on the lock (the refresher itself reads twice).
	plat.onRefresh = func() {
		for range 5000 {
			if g, _ := st.counts(); g >= n+1 {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}

	start := make(chan struct{})
	results := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m := &Manager{
				Binding: devBinding,
				Profile: "dev", Store: st, LockDir: lockDir, Provider: &fakeProvider{}, Platform: plat,
				Retry: Backoff{Sleep: (&sleeps{}).Sleep}, Now: func() time.Time { return t0 },
			}
			<-start
			s, err := m.Token(context.Background())
			errs[i] = err
			if err == nil {
				results[i] = s.Token()
			}
		})
	}
	close(start)
	wg.Wait()

	for i := range n {
		if errs[i] != nil || results[i] != "plat-2" {
			t.Errorf("caller %d: got (%q, %v); want (%q, nil)", i, results[i], errs[i], "plat-2")
		}
	}
	if ex, ref := plat.calls(); ref != 1 || ex != 0 {
		t.Errorf("got %d platform refreshes, %d exchanges; want 1, 0", ref, ex)
	}
	if _, puts := st.counts(); puts != 1 {
		t.Errorf("got %d Puts; want 1", puts)
	}
}

func TestLockHeldByAnother(t *testing.T) {
	st := newStore()
	st.seed(t, "dev", storedSession(time.Hour, dur(-time.Minute)))
	plat := &fakePlatform{refresh: []platAnswer{platTok("2")}}
	m := newManager(t, st, &fakeProvider{}, plat, &sleeps{})
	m.LockTimeout = 200 * time.Millisecond

	holder := flock.New(m.lockPath())
	if ok, err := holder.TryLock(); !ok || err != nil {
		t.Fatalf("taking the lock: %v, %v", ok, err)
	}
	defer holder.Unlock()

	_, err := m.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "another ssohelper process") || errors.Is(err, auth.ErrLoginRequired) {
		t.Errorf("got %v; want an \"another ssohelper process\" error, not sign-in required", err)
	}
	if _, ref := plat.calls(); ref != 0 {
		t.Errorf("got %d platform refreshes; want 0", ref)
	}

	// The caller's own cancellation is reported as such.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = m.Token(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "waiting for the refresh lock") {
		t.Errorf("cancelled: got %v; want a wrapped context.Canceled", err)
	}

	// Once the holder is gone the lock is free again.
	if err := holder.Unlock(); err != nil {
		t.Fatal(err)
	}
	if s, err := m.Token(context.Background()); err != nil || s.Token() != "plat-2" {
		t.Errorf("after unlock: got %v; want plat-2", err)
	}
}

// TestStaleLockFile: a lock file left by a killed process holds no lock and
// never blocks; a missing lock directory is created; the lock is released
// after Token.
func TestStaleLockFile(t *testing.T) {
	st := newStore()
	st.seed(t, "dev", storedSession(time.Hour, dur(-time.Minute)))
	m := newManager(t, st, &fakeProvider{}, &fakePlatform{refresh: []platAnswer{platTok("2")}}, &sleeps{})
	m.LockDir = filepath.Join(t.TempDir(), "data", "locks")
	m.LockTimeout = 200 * time.Millisecond
	if err := os.MkdirAll(m.LockDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.lockPath(), []byte("12345\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := m.Token(context.Background()); err != nil || s.Token() != "plat-2" {
		t.Fatalf("got %v; want plat-2", err)
	}
	other := flock.New(m.lockPath())
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Errorf("after Token: got TryLock (%v, %v); want the lock free", ok, err)
	}
	other.Unlock()

	// A lock directory that does not exist yet is created.
	m.LockDir = filepath.Join(t.TempDir(), "new", "locks")
	st.seed(t, "dev", storedSession(time.Hour, dur(-time.Minute)))
	if _, err := m.Token(context.Background()); err != nil {
		t.Errorf("fresh lock directory: got %v; want nil", err)
	}
}

func TestLockDirUnusable(t *testing.T) {
	st := newStore()
	st.seed(t, "dev", storedSession(time.Hour, dur(-time.Minute)))
	m := newManager(t, st, &fakeProvider{}, &fakePlatform{}, &sleeps{})
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m.LockDir = filepath.Join(file, "locks")
	if _, err := m.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "lock directory") {
		t.Errorf("got %v; want a lock directory error", err)
	}
}

func TestLockPath(t *testing.T) {
	dir := t.TempDir()
	names := []string{
		"default", "dev", "a/b", "a_b", "a\\b", "../x", "..", ".", "", "x/../../etc/passwd",
		"with space", "prod-日本語", "prod-日本", "émoji-🙂", "nul\x00byte", "C:", "con",
		strings.Repeat("a", 200), strings.Repeat("a", 201), strings.Repeat("é", 40),
	}
	seen := map[string]string{}
	for _, name := range names {
		m := &Manager{Profile: name, LockDir: dir}
		p := m.lockPath()
		if filepath.Dir(p) != dir {
			t.Errorf("lockPath(%q) = %q; want it directly inside %q", name, p, dir)
		}
		base := filepath.Base(p)
		if !strings.HasSuffix(base, ".lock") || len(base) > 32+1+8+len(".lock") || strings.ContainsAny(base, `/\:`+"\x00") {
			t.Errorf("lockPath(%q): got file name %q; want a short safe *.lock name", name, base)
		}
		if prev, dup := seen[p]; dup {
			t.Errorf("lockPath(%q) = lockPath(%q) = %q; want them different", name, prev, p)
		}
		seen[p] = name
		if again := m.lockPath(); again != p {
			t.Errorf("lockPath(%q): got %q then %q; want it stable", name, p, again)
		}
	}
}

// TestLockPathNames: lock file names are the ones the regular expression
// [^A-Za-z0-9_-] -> _ gave (it was replaced by a loop), so processes of
// both versions lock the same file.
func TestLockPathNames(t *testing.T) {
	re := regexp.MustCompile(`[^A-Za-z0-9_-]`)
	for _, name := range []string{"work", "a.b c", "Dana_2-x", "é\xffz", strings.Repeat("x.", 40), ""} {
		m := &Manager{Profile: name, LockDir: "/locks"}
		old := re.ReplaceAllString(name, "_")
		if len(old) > 32 {
			old = old[:32]
		}
		if got := filepath.Base(m.lockPath()); !strings.HasPrefix(got, old+"-") {
			t.Errorf("profile %q: lock file %q; want the prefix %q", name, got, old+"-")
		}
	}
}
