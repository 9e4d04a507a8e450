package account_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/platform"
)

// mapStore is a minimal in-memory session.Store.
type mapStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *mapStore) Get(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[name]
	if !ok {
		return nil, account.ErrNotFound
	}
	return b, nil
}

func (s *mapStore) Put(_ context.Context, name string, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = b
	return nil
}

func (s *mapStore) Delete(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, name)
	return nil
}

// renewingPlatform renews every platform refresh token for an hour.
type renewingPlatform struct{ now time.Time }

func (p renewingPlatform) Exchange(context.Context, string) (*platform.Token, error) {
	return nil, fmt.Errorf("not used here")
}

func (p renewingPlatform) Refresh(_ context.Context, refreshToken string) (*platform.Token, error) {
	return &platform.Token{AccessToken: "platform-token-2", RefreshToken: refreshToken, Expiry: p.now.Add(time.Hour)}, nil
}

func ExampleManager_Token() {
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	dir, err := os.MkdirTemp("", "ssohelper-locks")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	m := &account.Manager{
		Profile:  "dev",
		Store:    &mapStore{m: map[string][]byte{}},
		LockDir:  dir,
		Platform: renewingPlatform{now: now},
		Now:      func() time.Time { return now },
	}
	ctx := context.Background()
	// A session whose platform token expires in two minutes: inside the
	// default five-minute margin.
	_ = m.Save(ctx, &auth.SignIn{Profile: "dev", Platform: &platform.Token{
		AccessToken: "platform-token-1", RefreshToken: "platform-refresh", Expiry: now.Add(2 * time.Minute),
	}})

	s, err := m.Token(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Token(), "valid until", s.TokenExpiry().Format(time.Kitchen))

	// The refreshed session was saved: the next call is served from the store.
	s, _ = m.Token(ctx)
	fmt.Println(s.Token())
	// Output:
	// platform-token-2 valid until 11:00AM
	// platform-token-2
}
