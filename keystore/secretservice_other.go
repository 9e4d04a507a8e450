//go:build darwin || windows

package keystore

// fastGet has no fast path on this OS; go-keyring answers.
func fastGet(service, user string) (string, bool, error) { return "", false, nil }

// Warm does nothing on this OS: there is no connection to make ahead.
func (OSKeyring) Warm() {}
