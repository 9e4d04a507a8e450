package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/pelletier/go-toml/v2"
)

// Save writes f to path atomically: it writes a temporary file in the same directory
// (created 0700 when missing), syncs it and renames it over path, so readers see the old
// or the new file, never a mix. The file is 0600. Values equal to their defaults are
// left out so the file stays short.
func (f *File) Save(path string) error {
	data, err := f.Marshal()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.toml")
	if err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	defer os.Remove(tmp.Name()) // No-op after a successful rename.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save config: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	return nil
}

// Marshal renders f as TOML, leaving out values equal to their defaults.
func (f *File) Marshal() ([]byte, error) {
	out := File{DefaultProfile: f.DefaultProfile, Profiles: make(map[string]Profile, len(f.Profiles))}
	for name, p := range f.Profiles {
		out.Profiles[name] = p.compact()
	}
	data, err := toml.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return data, nil
}

// compact clears the fields that WithDefaults would fill in again.
func (p Profile) compact() Profile {
	if derived := (Profile{UserPoolID: p.UserPoolID}).WithDefaults().Region; p.Region == derived {
		p.Region = ""
	}
	if slices.Equal(p.Scopes, DefaultScopes) {
		p.Scopes = nil
	}
	if slices.Equal(p.RedirectPorts, DefaultRedirectPorts) {
		p.RedirectPorts = nil
	}
	if p.CallbackPath == DefaultCallbackPath {
		p.CallbackPath = ""
	}
	if p.LoginTimeout.Duration == DefaultLoginTimeout {
		p.LoginTimeout.Duration = 0
	}
	if p.SessionLifetime.Duration == DefaultSessionLifetime {
		p.SessionLifetime.Duration = 0
	}
	if p.WarnBefore.Duration == DefaultWarnBefore {
		p.WarnBefore.Duration = 0
	}
	return p
}
