package keystore

import (
	"context"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// Keyring is the consumer-owned view of an OS keyring, in the shape of
// github.com/zalando/go-keyring. Get returns ErrNotFound (or go-keyring's
// keyring.ErrNotFound) when there is no entry. Implementations may block;
// Store bounds every call with Options.Timeout.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// OSKeyring is the system keyring: Secret Service on Linux and BSD, the
// Keychain on macOS, Credential Manager on Windows.
type OSKeyring struct{}

// Get reads the secret stored for service and user.
func (OSKeyring) Get(service, user string) (string, error) {
	if err := checkSessionBus(); err != nil {
		return "", err
	}
	if v, ok, err := fastGet(service, user); ok {
		return v, err
	}
	return keyring.Get(service, user)
}

// Set stores password for service and user, replacing any previous one.
func (OSKeyring) Set(service, user, password string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

// Delete removes the secret stored for service and user.
func (OSKeyring) Delete(service, user string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// Describe names the keyring for status output, and says so when it
// cannot be reached because there is no D-Bus session bus (no I/O).
func (OSKeyring) Describe() string {
	if checkSessionBus() != nil {
		return osKeyringKind + ", unavailable: no D-Bus session bus"
	}
	return osKeyringKind
}

// callKeyring runs fn in its own goroutine and waits for it at most timeout,
// or until ctx is done. On timeout it returns ErrKeyringTimeout and abandons
// the goroutine: that goroutine exits as soon as fn returns (the result
// channel is buffered, so it never blocks), and its result is dropped. A
// keyring call cannot be cancelled, so this is the best that can be done.
func callKeyring(ctx context.Context, timeout time.Duration, fn func() (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("system keyring: %w", err)
	}
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, mapKeyringError(r.err)
	case <-timer.C:
		return "", timeoutError(timeout)
	case <-ctx.Done():
		return "", fmt.Errorf("system keyring: %w", ctx.Err())
	}
}
