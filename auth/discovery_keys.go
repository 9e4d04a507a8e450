package auth

import "context"

// prefetch fetches the key set now, while the code is redeemed, so that
// verifying the id_token afterwards needs no round trip of its own.
// A set that is already there is kept. A prefetched set does not count
// against the refetch limit (minRefetch): the first unknown kid after it
// fetches again, exactly as if the set had been fetched at verification,
// so a key rotated in between is still found. A [keySet.key] call made
// while the prefetch runs waits for it instead of fetching twice.
func (k *keySet) prefetch(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set != nil {
		return nil
	}
	set, err := k.fetch(ctx)
	if err != nil {
		return err
	}
	k.set = set // k.fetched stays zero: see above
	return nil
}
