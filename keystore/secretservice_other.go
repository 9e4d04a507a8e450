//go:build darwin || windows

package keystore

// fastGet has no fast path on this OS; go-keyring answers.
func fastGet(service, user string) (string, bool, error) { return "", false, nil }
