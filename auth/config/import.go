package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Preview checks data, a configuration file from the IT team named label
// (its path, for messages), as the user's file would be used: merged with
// the system files (see LoadMerged), so it is refused when it tries to
// change what the admin locked. It writes nothing.
func Preview(data []byte, label string, system []string) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d KiB, which no config file is", ErrInvalid, label, MaxFileSize>>10)
	}
	u, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if len(u.Profiles) == 0 {
		return nil, fmt.Errorf("%w: %s has no [profiles.<name>] table; ask your IT team for the right file", ErrInvalid, label)
	}
	return merge(system, u, label)
}

// Import installs data, a configuration file from the IT team, at path
// after checking it whole with Preview (syntax, unknown keys, every
// profile valid, no locked key changed). An existing file is kept as
// path + ".bak", so nothing is lost. The desktop app's "Import" and
// `ssohelper config import` both use it.
func Import(data []byte, path string, system []string) (*File, error) {
	f, err := Preview(data, "the imported file", system)
	if err != nil {
		return nil, err
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

// Change is one difference between two configurations' effective values.
// Old is empty for an added profile or key, New for a removed one.
type Change struct {
	Profile string `json:"profile"`
	Key     string `json:"key,omitempty"` // "" when the whole profile is added or removed
	Old     string `json:"old,omitempty"`
	New     string `json:"new,omitempty"`
}

// String renders the change for a person: "+ profile work", "- profile old",
// "  work: client_id: abc -> def".
func (c Change) String() string {
	switch {
	case c.Key == "" && c.Old == "":
		return "+ profile " + c.Profile
	case c.Key == "":
		return "- profile " + c.Profile
	}
	head := "  " + c.Key
	if c.Profile != "" {
		head = "  " + c.Profile + ": " + c.Key
	}
	old, new := c.Old, c.New
	if old == "" {
		old = "(unset)"
	}
	if new == "" {
		new = "(unset)"
	}
	return head + ": " + old + " -> " + new
}

// Diff lists what changes from old to new: profiles added and removed,
// and each effective value that differs, in profile and key order. The
// default profile is reported under the key default_profile.
func Diff(old, new *File) []Change {
	var out []Change
	if old.DefaultProfile != new.DefaultProfile {
		out = append(out, Change{Key: "default_profile", Old: old.DefaultProfile, New: new.DefaultProfile})
	}
	names := append(old.Names(), new.Names()...)
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		op, inOld := old.Profiles[name]
		np, inNew := new.Profiles[name]
		switch {
		case !inOld:
			out = append(out, Change{Profile: name, New: "added"})
			continue
		case !inNew:
			out = append(out, Change{Profile: name, Old: "removed"})
			continue
		}
		ov := map[string]string{}
		for _, s := range op.Settings() {
			ov[s.Key] = s.Value
		}
		seen := map[string]bool{}
		for _, s := range np.Settings() {
			seen[s.Key] = true
			if ov[s.Key] != s.Value {
				out = append(out, Change{Profile: name, Key: s.Key, Old: ov[s.Key], New: s.Value})
			}
		}
		for _, s := range op.Settings() {
			if !seen[s.Key] {
				out = append(out, Change{Profile: name, Key: s.Key, Old: s.Value})
			}
		}
	}
	return out
}
