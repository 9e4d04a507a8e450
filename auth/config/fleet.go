package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
)

// ErrManaged means a change to a profile the IT admin manages was refused:
// the user file, a flag or a variable tried to change a locked key.
var ErrManaged = errors.New("managed by your IT admin")

// LockedKeys are the keys that identify a profile: where it signs in and
// which platform it hands tokens for. In a profile the system config
// defines, the user cannot change them unless user_may_change lists them.
var LockedKeys = []string{
	"region", "user_pool_id", "issuer", "client_id", "confidential",
	"endpoints.authorization", "endpoints.token", "endpoints.jwks",
	"endpoints.userinfo", "endpoints.revocation", "endpoints.logout",
	"platform.kind", "platform.base_url", "platform.site_id", "platform.idp",
	"platform.client_app_id", "platform.external_user_id_claim",
	"platform.client_app_secret_file",
}

// systemOnly keys may be set in the system config only.
var systemOnly = []string{"user_may_change", "platform.client_app_secret_file"}

// Origins name where a value came from, besides a file path.
const (
	// OriginDefault is a built-in default.
	OriginDefault = "default"
	// OriginDerived is computed from another value (region from user_pool_id).
	OriginDerived = "derived"
)

// SystemPaths returns the system-wide config files for goos, most
// important first: on Linux and other Unix each $XDG_CONFIG_DIRS entry,
// then /etc/xdg; on macOS /Library/Application Support; on Windows
// %ProgramData%. Missing files are simply skipped by LoadMerged.
func SystemPaths(goos string, getenv func(string) string) []string {
	switch goos {
	case "darwin":
		return []string{"/Library/Application Support/ssohelper/config.toml"}
	case "windows":
		dir := getenv("ProgramData")
		if dir == "" {
			dir = `C:\ProgramData`
		}
		return []string{dir + `\ssohelper\config.toml`}
	}
	var out []string
	for _, d := range append(filepath.SplitList(getenv("XDG_CONFIG_DIRS")), "/etc/xdg") {
		if !filepath.IsAbs(d) {
			continue // the XDG spec: relative entries are invalid
		}
		p := filepath.Join(d, "ssohelper", "config.toml")
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// LoadMerged loads the system config files (most important first; see
// SystemPaths) and the user's file at user, and merges them:
//
//   - A profile the system files define is managed: it comes whole from the
//     most important system file that defines it. The user's file may add
//     or change its other keys (scopes, ports, timeouts, ca_file, …), but
//     not a locked key (LockedKeys) unless the profile's user_may_change
//     lists it; trying is an error wrapping ErrManaged that says so.
//   - A profile only the user's file defines is the user's, as before.
//   - The user's default_profile wins over the system's.
//
// Each profile's Managed and Origins are filled in. Missing files are
// empty; every file is read with Load's checks.
func LoadMerged(system []string, user string) (*File, error) {
	u, err := loadRaw(user)
	if err != nil {
		return nil, err
	}
	return merge(system, u, user)
}

// merge merges the system files with u, the user's file as decoded from
// user (nil when it does not exist).
func merge(system []string, u *File, user string) (*File, error) {
	merged := &File{Profiles: map[string]Profile{}}
	for _, path := range system {
		f, err := loadRaw(path)
		if err != nil {
			return nil, fmt.Errorf("the system config set by your IT admin is not usable; ask them to fix it: %w", err)
		}
		if f == nil {
			continue
		}
		for name, p := range f.Profiles {
			p.Origins = origins(p, path)
			f.Profiles[name] = p
		}
		if err := f.finish(); err != nil {
			return nil, fmt.Errorf("the system config %s set by your IT admin is not usable; ask them to fix it: %w", path, err)
		}
		if merged.DefaultProfile == "" {
			merged.DefaultProfile = f.DefaultProfile
		}
		for name, p := range f.Profiles {
			if _, ok := merged.Profiles[name]; ok {
				continue // a more important file defines it
			}
			p.Managed = path
			merged.Profiles[name] = p
		}
	}
	if u != nil {
		if err := merged.overlay(u, user); err != nil {
			return nil, fmt.Errorf("config %s: %w", user, err)
		}
	}
	if err := merged.finish(); err != nil {
		return nil, fmt.Errorf("config %s: %w", user, err)
	}
	return merged, nil
}

// loadRaw reads and strictly decodes path without defaults or validation;
// nil when the file does not exist.
func loadRaw(path string) (*File, error) {
	data, err := readConfig(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return f, nil
}

// overlay merges the user's file u (read from path) over f, the merged
// system profiles.
func (f *File) overlay(u *File, path string) error {
	v := &ValidationError{}
	if u.DefaultProfile != "" {
		f.DefaultProfile = u.DefaultProfile
	}
	for _, name := range u.Names() {
		up := u.Profiles[name]
		for _, key := range systemOnly {
			if leafSet(up, key) {
				v.Problems = append(v.Problems, Problem{Profile: name, Field: key,
					Message: "only the system config set by your IT admin may set it; remove it from your file"})
			}
		}
		sp, managed := f.Profiles[name]
		if !managed {
			up.Name = name
			up.Origins = origins(up, path)
			f.Profiles[name] = up
			continue
		}
		for _, l := range leavesOf(&up) {
			if l.v.IsZero() {
				continue
			}
			cur := leafValue(&sp, l.key)
			if sp.Locks(l.key) && !reflect.DeepEqual(cur.Interface(), l.v.Interface()) {
				v.Problems = append(v.Problems, Problem{Profile: name, Field: l.key,
					Message: fmt.Sprintf("%s; remove %s from your file (it cannot change it), or ask your IT admin to list it in user_may_change", managedBy(sp), l.key)})
				continue
			}
			cur.Set(l.v)
			sp.Origins[l.key] = path
		}
		f.Profiles[name] = sp
	}
	if len(v.Problems) > 0 {
		return v
	}
	return nil
}

// managedBy is the message head for a refused change of p.
func managedBy(p Profile) string {
	return fmt.Sprintf("profile %s is %s (%s)", p.Name, ErrManaged, p.Managed)
}

// Locks reports whether key is locked in p: p is managed, key identifies
// it, and user_may_change does not list it.
func (p Profile) Locks(key string) bool {
	return p.Managed != "" && slices.Contains(LockedKeys, key) && !slices.Contains(p.UserMayChange, key)
}

// CheckOverride returns an error wrapping ErrManaged when source (a flag
// or variable, as the user wrote it) may not change key in p.
func (p Profile) CheckOverride(key, source string) error {
	if !p.Locks(key) {
		return nil
	}
	return fmt.Errorf("profile %s is %w (%s): %s cannot change its %s; leave it out, or use a profile of your own",
		p.Name, ErrManaged, p.Managed, source, key)
}

// Setting is one effective value of a profile and where it came from.
type Setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Origin string `json:"origin"`
	Locked bool   `json:"locked,omitempty"`
}

// Settings lists p's set values in file order with their origins (after
// WithDefaults; keys the profile leaves empty are left out).
func (p Profile) Settings() []Setting {
	var out []Setting
	for _, l := range leavesOf(&p) {
		if l.v.IsZero() {
			continue
		}
		origin := p.Origins[l.key]
		if origin == "" {
			origin = OriginDefault
			if l.key == "region" {
				origin = OriginDerived
			}
		}
		out = append(out, Setting{Key: l.key, Value: show(l.v), Origin: origin, Locked: p.Locks(l.key)})
	}
	return out
}

func show(v reflect.Value) string {
	if v.Kind() == reflect.Slice {
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v.Interface())
}

// origins records path as the origin of every key set in p.
func origins(p Profile, path string) map[string]string {
	o := map[string]string{}
	for _, l := range leavesOf(&p) {
		if !l.v.IsZero() {
			o[l.key] = path
		}
	}
	return o
}

// leaf is one TOML key of a profile ("platform.site_id") and its value.
type leaf struct {
	key string
	v   reflect.Value
}

var durationType = reflect.TypeFor[Duration]()

// leavesOf lists the TOML keys of *p in declaration order, with settable
// values; tables ([endpoints], [platform]) are flattened with a dot.
func leavesOf(p *Profile) []leaf {
	var out []leaf
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
			if name == "" || name == "-" {
				continue
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.Struct && fv.Type() != durationType {
				walk(fv, prefix+name+".")
				continue
			}
			out = append(out, leaf{prefix + name, fv})
		}
	}
	walk(reflect.ValueOf(p).Elem(), "")
	return out
}

// leafValue is the settable value of key in *p.
func leafValue(p *Profile, key string) reflect.Value {
	for _, l := range leavesOf(p) {
		if l.key == key {
			return l.v
		}
	}
	panic("config: unknown key " + key)
}

func leafSet(p Profile, key string) bool { return !leafValue(&p, key).IsZero() }
