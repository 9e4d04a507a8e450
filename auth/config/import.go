package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Import installs data, a configuration file from the IT team, at path
// after checking it whole (syntax, unknown keys, every profile valid). An
// existing file is kept as path + ".bak", so nothing is lost. The desktop
// app's "Import" and `ssohelper config import` both use it.
func Import(data []byte, path string) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: the file is larger than %d KiB, which no config file is", ErrInvalid, MaxFileSize>>10)
	}
	f, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if len(f.Profiles) == 0 {
		return nil, fmt.Errorf("%w: the file has no [profiles.<name>] table; ask your IT team for the right file", ErrInvalid)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := os.WriteFile(path+".bak", old, 0o600); err != nil {
			return nil, fmt.Errorf("keeping the current config as %s.bak: %w", path, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("reading the current config: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.toml")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return f, nil
}
