package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// minRefetch limits how often an unknown kid may trigger a JWKS refetch, so
// a stream of forged tokens cannot turn the helper into a request amplifier.
const minRefetch = 10 * time.Second

// keySet caches a provider's JWKS. An unknown kid refetches the set once,
// which is how signing-key rotation is survived.
type keySet struct {
	url  string
	http *http.Client
	now  func() time.Time

	mu      sync.Mutex
	set     jwk.Set
	fetched time.Time
}

// key returns the public key with the given kid.
func (k *keySet) key(ctx context.Context, kid string) (jwk.Key, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set != nil {
		if key, ok := k.set.LookupKeyID(kid); ok {
			return key, nil
		}
		if k.now().Sub(k.fetched) < minRefetch {
			return nil, fmt.Errorf("no key with kid %q in the provider's JWKS", sanitize.Redact(kid))
		}
	}
	set, err := k.fetch(ctx)
	if err != nil {
		return nil, err
	}
	k.set, k.fetched = set, k.now()
	key, ok := set.LookupKeyID(kid)
	if !ok {
		return nil, fmt.Errorf("no key with kid %q in the provider's JWKS", sanitize.Redact(kid))
	}
	return key, nil
}

func (k *keySet) fetch(ctx context.Context) (jwk.Set, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	resp, err := httpClient(k.http).Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the provider's signing keys from %s (try again, and check your network if it keeps failing): %w", k.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the provider's signing keys from %s: %s (try again later)", k.url, sanitize.Text(resp.Status))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("reading the provider's signing keys: %w", err)
	}
	set, err := jwk.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("parsing the provider's signing keys from %s: %w", k.url, err)
	}
	return set, nil
}
