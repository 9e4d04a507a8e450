package keystore

import (
	"cmp"
	"os"
	"path/filepath"
)

// GetCached returns the value saved under name in dir (the Store of the
// OSKeyring with that Dir and Service, "" for the default) when the vault
// key it is sealed with is in the kernel key cache; ok is false in every
// other case (no file, no cached key, another key, a damaged file, not
// Linux), and the caller takes the full path through a Store, which
// explains any problem. It never asks the system keyring, so a program
// that only needs a cached value need not link or start one.
func GetCached(dir, service, name string) (value []byte, ok bool) {
	if checkName(name) != nil {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(filepath.Clean(dir), fileName(name)))
	if err != nil {
		return nil, false
	}
	f, err := parseSealed(data)
	if err != nil {
		return nil, false
	}
	k, err := parseKey(kernelCacheGet(cmp.Or(service, defaultService)))
	if err != nil || k.id != f.keyID {
		return nil, false
	}
	plain, err := open(k, name, f)
	if err != nil {
		return nil, false
	}
	return plain, true
}
