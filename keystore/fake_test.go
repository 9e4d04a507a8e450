package keystore

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// fakeKeyring is an in-memory Keyring with knobs for the failure modes of real
// keyrings.
type fakeKeyring struct {
	// Delay makes every call sleep first (a slow or locked keyring).
	Delay time.Duration
	// Jitter adds a random extra sleep of up to Jitter to every call, so
	// concurrent callers interleave in many orders.
	Jitter time.Duration
	// MaxEntry, if set, rejects Set when len(service+user+password) exceeds
	// it, like Windows (2560 B) and macOS (about 3000 B).
	MaxEntry int
	// Err, if set, is returned by every call.
	Err error

	mu      sync.Mutex
	entries map[[2]string]string
	gets    int
}

func newFakeKeyring() *fakeKeyring { return &fakeKeyring{entries: map[[2]string]string{}} }

func (f *fakeKeyring) Get(service, user string) (string, error) {
	f.sleep()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	if f.Err != nil {
		return "", f.Err
	}
	v, ok := f.entries[[2]string{service, user}]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeKeyring) Set(service, user, password string) error {
	f.sleep()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return f.Err
	}
	if f.MaxEntry > 0 && len(service)+len(user)+len(password) > f.MaxEntry {
		return keyring.ErrSetDataTooBig
	}
	f.entries[[2]string{service, user}] = password
	return nil
}

func (f *fakeKeyring) Delete(service, user string) error {
	f.sleep()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return f.Err
	}
	k := [2]string{service, user}
	if _, ok := f.entries[k]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.entries, k)
	return nil
}

// Gets counts Get calls so far.
func (f *fakeKeyring) Gets() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets
}

func (f *fakeKeyring) sleep() {
	d := f.Delay
	if f.Jitter > 0 {
		d += rand.N(f.Jitter)
	}
	time.Sleep(d)
}
