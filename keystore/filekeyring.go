package keystore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileKeyring is a Keyring kept in a plaintext JSON file with mode 0600. It
// exists for machines without a system keyring and is opt-in only: anyone who
// can read the file (the user, root, a backup) can open every saved value.
// A Store using it reports Insecure() == true.
//
// Each write replaces the file atomically (temporary file, fsync, rename),
// so a reader never sees half a file. FileKeyring takes no lock of its own:
// a Store makes all its keyring writes under the store's lock file
// (.vault-key.lock), so the data directory has one lock file, not two.
// Other callers that write from several processes at once must serialise
// those writes themselves.
type FileKeyring struct {
	path string
}

// NewFileKeyring returns a FileKeyring stored at path. The file and its
// directory (mode 0700) are created on the first Set.
func NewFileKeyring(path string) *FileKeyring {
	return &FileKeyring{path: filepath.Clean(path)}
}

// fileKeyringData is the file's JSON form: service -> user -> password.
type fileKeyringData map[string]map[string]string

// Get returns the password for service and user, or ErrNotFound.
func (k *FileKeyring) Get(service, user string) (string, error) {
	d, err := k.load()
	if err != nil {
		return "", err
	}
	p, ok := d[service][user]
	if !ok {
		return "", ErrNotFound
	}
	return p, nil
}

// Set stores password for service and user.
func (k *FileKeyring) Set(service, user, password string) error {
	return k.update(func(d fileKeyringData) {
		if d[service] == nil {
			d[service] = map[string]string{}
		}
		d[service][user] = password
	})
}

// Delete removes the entry for service and user, or returns ErrNotFound.
func (k *FileKeyring) Delete(service, user string) error {
	found := false
	err := k.update(func(d fileKeyringData) {
		if _, found = d[service][user]; found {
			delete(d[service], user)
			if len(d[service]) == 0 {
				delete(d, service)
			}
		}
	})
	if err == nil && !found {
		return ErrNotFound
	}
	return err
}

// Describe names the keyring for status output.
func (k *FileKeyring) Describe() string { return "INSECURE plaintext key file " + k.path }

// Insecure reports true: the key is not protected by a system keyring.
func (k *FileKeyring) Insecure() bool { return true }

func (k *FileKeyring) load() (fileKeyringData, error) {
	raw, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileKeyringData{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading key file: %w", err)
	}
	d := fileKeyringData{}
	if err := json.Unmarshal(raw, &d); err != nil {
		// The JSON error may quote file content, which is a key: drop it.
		return nil, fmt.Errorf("%w: key file %s is not valid JSON", ErrKeyDamaged, k.path)
	}
	return d, nil
}

// update applies fn to the file's content and writes the result
// atomically. The caller serialises writers (see FileKeyring).
func (k *FileKeyring) update(fn func(fileKeyringData)) error {
	dir := filepath.Dir(k.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	d, err := k.load()
	if err != nil {
		return err
	}
	fn(d)
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return writeFileAtomic(dir, filepath.Base(k.path), raw)
}
