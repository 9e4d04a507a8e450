package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// ErrSecretFile means an admin-managed secret file was refused or unreadable.
var ErrSecretFile = errors.New("secret file not usable")

// maxSecretFile bounds a secret file; a client app secret is short.
const maxSecretFile = 64 << 10

// ReadSecretFile reads the client app secret from path, a file the IT
// admin manages (platform.client_app_secret_file). On Unix it must be a
// regular file that is neither group- nor world-writable nor
// world-readable (for example root:designers 0640); anything else is
// refused, because whoever can write it can redirect every designer's
// platform sign-in, and whoever can read it holds the fleet's secret. On
// Windows the file's ACL is the admin's job (%ProgramData% is writable only
// by administrators by default). Surrounding white space is dropped.
// Errors name the file, never its content.
func ReadSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%w: %v; ask your IT admin to install it", ErrSecretFile, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrSecretFile, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%w: %s is %s, not a file; ask your IT admin to fix platform.client_app_secret_file", ErrSecretFile, path, fileKind(fi.Mode()))
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o026 != 0 {
		return "", fmt.Errorf("%w: %s has mode %04o: it must not be group- or world-writable nor world-readable; ask your IT admin to run chmod 0640 (or 0600) on it",
			ErrSecretFile, path, perm)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("%w: reading %s: %v", ErrSecretFile, path, err)
	}
	if len(data) > maxSecretFile {
		return "", fmt.Errorf("%w: %s is larger than %d KiB, which no secret is", ErrSecretFile, path, maxSecretFile>>10)
	}
	s := strings.TrimSpace(string(data))
	if s == "" {
		return "", fmt.Errorf("%w: %s is empty; ask your IT admin to put the client app secret in it", ErrSecretFile, path)
	}
	return s, nil
}
