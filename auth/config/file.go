package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/pelletier/go-toml/v2"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// EnvConfig names the environment variable that overrides the config file path.
const EnvConfig = "SSOHELPER_CONFIG"

// Errors returned by File.Profile.
var (
	// ErrNoProfile means no profile was named and none could be chosen.
	ErrNoProfile = errors.New("no profile selected")
	// ErrUnknownProfile means the named profile is not in the file.
	ErrUnknownProfile = errors.New("unknown profile")
)

// File is the whole configuration file.
type File struct {
	// DefaultProfile is used when no profile is named; optional with a single profile.
	DefaultProfile string `toml:"default_profile,omitempty"`
	// Profiles maps a profile name to its settings.
	Profiles map[string]Profile `toml:"profiles,omitempty"`
}

// Path returns the config file path: $SSOHELPER_CONFIG when set, otherwise
// os.UserConfigDir()/ssohelper/config.toml.
func Path() (string, error) {
	if p := os.Getenv(EnvConfig); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config directory (set %s to a file path instead): %w", EnvConfig, err)
	}
	return filepath.Join(dir, "ssohelper", "config.toml"), nil
}

// MaxFileSize bounds the config file; a real one is a few KB.
const MaxFileSize = 1 << 20

// Load reads and parses the file at path, with no system config; see
// LoadMerged. A missing file yields an empty File and no error. The file
// must be a regular file (a symlink to one is fine) of at most MaxFileSize
// bytes: a device, FIFO, socket or directory is refused before anything is
// read from it, so /dev/zero or a FIFO cannot exhaust or hang the process.
func Load(path string) (*File, error) { return LoadMerged(nil, path) }

// readConfig reads path with the checks of Load.
func readConfig(path string) ([]byte, error) {
	fi, err := os.Stat(path) // follows symlinks
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	if err := checkRegular(path, fi); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should a FIFO be swapped in after the Stat, opening it
	// does not wait for a writer; the Stat of the open file refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if err := checkRegular(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, tooBig(path)
	}
	return data, nil
}

func checkRegular(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file (%s); point --config or $%s at the config file itself",
			ErrInvalid, path, fileKind(fi.Mode()), EnvConfig)
	}
	if fi.Size() > MaxFileSize {
		return tooBig(path)
	}
	return nil
}

func tooBig(path string) error {
	return fmt.Errorf("%w: %s is larger than %d KiB, which no config file is; check that --config or $%s names the config file",
		ErrInvalid, path, MaxFileSize>>10, EnvConfig)
}

// fileKind names what a non-regular file is, for the message.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "not a plain file"
	}
}

// Parse decodes a TOML document strictly (unknown keys are errors), fills each
// profile's Name, applies WithDefaults and validates the whole file. Every error about
// the content wraps ErrInvalid; unknown keys and failed validation are a
// *ValidationError.
func Parse(data []byte) (*File, error) {
	f, err := decode(data)
	if err != nil {
		return nil, err
	}
	if err := f.finish(); err != nil {
		return nil, err
	}
	return f, nil
}

// decode decodes a TOML document strictly, without defaults or validation.
func decode(data []byte) (_ *File, err error) {
	// go-toml v2.2.4 panics building its strict-mode error for an unknown
	// key in quotes with an escape sequence ("a\tb" = 1; fixed in v2.4):
	// such a file is invalid, not fatal.
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("%w: the TOML decoder failed on this file, most likely at an unknown key written in quotes with an escape sequence; fix the spelling or remove it", ErrInvalid)
		}
	}()
	var f File
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, decodeError(err)
	}
	if f.Profiles == nil {
		f.Profiles = map[string]Profile{}
	}
	return &f, nil
}

// finish fills each profile's Name, applies WithDefaults and validates.
func (f *File) finish() error {
	for name, p := range f.Profiles {
		p.Name = name
		f.Profiles[name] = p.WithDefaults()
	}
	return f.Validate()
}

// decodeError turns go-toml errors into messages with line numbers.
func decodeError(err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		v := &ValidationError{}
		for _, e := range strict.Errors {
			line, _ := e.Position()
			v.Problems = append(v.Problems, Problem{
				Line:    line,
				Field:   sanitize.Text(strings.Join(e.Key(), ".")),
				Message: "unknown key; fix the spelling or remove it (run `ssohelper config example` to see every key)",
			})
		}
		return v
	}
	var dec *toml.DecodeError
	if errors.As(err, &dec) {
		line, col := dec.Position()
		// go-toml quotes the file's bytes raw, escape sequences included.
		return fmt.Errorf("%w: line %d, column %d: %s", ErrInvalid, line, col, sanitize.Text(strings.TrimPrefix(dec.Error(), "toml: ")))
	}
	return fmt.Errorf("%w: %w", ErrInvalid, err)
}

// Validate checks default_profile and every profile, and returns one *ValidationError
// listing all problems, or nil.
func (f *File) Validate() error {
	v := &ValidationError{}
	if f.DefaultProfile != "" {
		if _, ok := f.Profiles[f.DefaultProfile]; !ok {
			v.Problems = append(v.Problems, Problem{Field: "default_profile",
				Message: fmt.Sprintf("%q is not a profile in this file; set it to one of %s", f.DefaultProfile, quoteNames(f.Names()))})
		}
	}
	for _, name := range f.Names() {
		var pe *ValidationError
		p := f.Profiles[name]
		p.Name = name
		if errors.As(p.Validate(), &pe) {
			v.Problems = append(v.Problems, pe.Problems...)
		}
	}
	if len(v.Problems) == 0 {
		return nil
	}
	return v
}

// Names returns the profile names in sorted order.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for name := range f.Profiles {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Profile returns the named profile. An empty name selects DefaultProfile, or the only
// profile when there is exactly one. It returns ErrNoProfile or ErrUnknownProfile with a
// message that lists the known names.
func (f *File) Profile(name string) (Profile, error) {
	names := f.Names()
	if name == "" {
		switch {
		case f.DefaultProfile != "":
			name = f.DefaultProfile
		case len(names) == 1:
			name = names[0]
		case len(names) == 0:
			return Profile{}, fmt.Errorf("%w: the config file has no profiles; add a [profiles.<name>] table (run `ssohelper config init` for an example)", ErrNoProfile)
		default:
			return Profile{}, fmt.Errorf("%w: choose one of %s with --profile or $SSOHELPER_PROFILE, or set default_profile", ErrNoProfile, quoteNames(names))
		}
	}
	p, ok := f.Profiles[name]
	if !ok {
		known := "none"
		if len(names) > 0 {
			known = quoteNames(names)
		}
		add := fmt.Sprintf("add it as a [profiles.%s] table in the config file", name)
		if CheckProfileName(name) != "" { // never echo a name that is not one raw
			add = "a profile name is 1 to 64 ASCII letters, digits, '-', '_' and '.'"
		}
		return Profile{}, fmt.Errorf("%w %s: known profiles: %s; %s", ErrUnknownProfile, quoteName(name), known, add)
	}
	p.Name = name
	return p, nil
}

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
