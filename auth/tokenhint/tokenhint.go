// Package tokenhint remembers how `ssohelper token` resolved its profile
// (name, issuer, app client, platform) for one set of inputs (its
// arguments and the environment variables the resolution reads) and the
// state of every config file it looked at, so that ssohelper-token can
// hand out a cached token without reading the configuration while those
// files are unchanged.
//
// A hint is never a source of truth. Any doubt makes Lookup miss: other
// inputs, a config file changed, created or removed since, an unreadable
// hint. The full program then resolves the profile from the files, as
// always, and saves a new hint. Save refuses a file changed in the last
// two seconds, whose change a file system with coarse timestamps might
// hide from the next look.
package tokenhint

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FileName is the hint file in the data directory.
const FileName = "token-hints.json"

// Env lists the environment variables a profile's resolution reads:
// where the user's and the system's config files are (config.Path,
// config.SystemPaths) and which profile is chosen. Keep it in step with
// them. SSOHELPER_ISSUER and SSOHELPER_CLIENT_ID are not here: with them
// set, ssohelper-token always hands off.
var Env = []string{
	"SSOHELPER_CONFIG", "SSOHELPER_PROFILE",
	"XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "HOME", // Unix
	"AppData", "ProgramData", // Windows
}

// maxEntries bounds the file: one entry per way of calling token.
const maxEntries = 8

// settle is how old a config file's last change must be for Save.
const settle = 2 * time.Second

// Key is what a resolution depends on besides the files: the --config
// and --profile arguments and the variables in Env, quoted.
type Key string

// KeyOf returns the Key of a call with these arguments and environment.
func KeyOf(configFlag, profileFlag string, getenv func(string) string) Key {
	fields := []string{"--config=" + configFlag, "--profile=" + profileFlag}
	for _, name := range Env {
		fields = append(fields, name+"="+getenv(name))
	}
	return Key(joinQuoted(fields))
}

// Profile is what a resolution found: enough to check a saved sign-in's
// binding and choose its token.
type Profile struct {
	Name           string
	Issuer         string // the issuer URL
	ClientID       string
	PlatformTarget string
	// PlatformToken: the profile hands out the platform's token (kind
	// "encodify"), not the provider's.
	PlatformToken bool
}

// File is the state of one config file, present or not.
type File struct {
	Path    string
	Exists  bool
	Size    int64
	ModTime int64 // Unix nanoseconds
	Mode    uint32
	Inode   uint64 // 0 where the OS has none
}

// Stat records the state of paths. Call it before reading them.
func Stat(paths []string) ([]File, error) {
	out := make([]File, 0, len(paths))
	for _, p := range paths {
		f, err := stat(p)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// same reports whether f and g are one state of one file.
func (f File) same(g File) bool {
	return f == g
}

func stat(path string) (File, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return File{Path: path}, nil
	}
	if err != nil {
		return File{}, err
	}
	return File{Path: path, Exists: true, Size: fi.Size(), ModTime: fi.ModTime().UnixNano(),
		Mode: uint32(fi.Mode()), Inode: inode(fi)}, nil
}

type entry struct {
	Key     Key
	Profile Profile
	Files   []File
}

// Lookup returns the profile key resolved to, when dir holds a hint for
// key whose files are all as they were.
func Lookup(dir string, key Key) (Profile, bool) {
	for _, e := range read(dir) {
		if e.Key != key {
			continue
		}
		for _, f := range e.Files {
			now, err := stat(f.Path)
			if err != nil || !now.same(f) {
				return Profile{}, false
			}
		}
		return e.Profile, true
	}
	return Profile{}, false
}

// Save records in dir that key resolved to p from files, stat'ed before
// they were read. It saves nothing when one of them changed less than
// two seconds before now, or when the same hint is there already.
func Save(dir string, key Key, files []File, p Profile, now time.Time) error {
	for _, f := range files {
		if f.Exists && f.ModTime > now.Add(-settle).UnixNano() {
			return nil
		}
	}
	old := read(dir)
	e := entry{Key: key, Files: files, Profile: p}
	entries := []entry{e}
	for _, o := range old {
		if o.Key == key {
			if slices.EqualFunc(o.Files, files, File.same) && o.Profile == p {
				return nil
			}
			continue
		}
		if len(entries) < maxEntries {
			entries = append(entries, o)
		}
	}
	var b strings.Builder
	b.WriteString(header)
	for _, e := range entries {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return writeFile(dir, []byte(b.String()))
}

// header starts the hint file; a file without it reads as no hints.
const header = "ssohelper token hints 1\n"

// The file holds one entry per line: Go-quoted fields separated by
// spaces, no reflection to decode (ssohelper-token starts small).
// Fields: key, name, issuer, client id, platform target, platform token
// (1 or 0), then per file: path, exists (1 or 0), size, modification
// time (Unix ns), mode, inode.

func (e entry) String() string {
	p := e.Profile
	fields := []string{string(e.Key), p.Name, p.Issuer, p.ClientID, p.PlatformTarget, bit(p.PlatformToken)}
	for _, f := range e.Files {
		fields = append(fields, f.Path, bit(f.Exists), strconv.FormatInt(f.Size, 10), strconv.FormatInt(f.ModTime, 10),
			strconv.FormatUint(uint64(f.Mode), 10), strconv.FormatUint(f.Inode, 10))
	}
	return joinQuoted(fields)
}

func parseEntry(line string) (entry, bool) {
	fields, ok := splitQuoted(line)
	if !ok || len(fields) < 6 || (len(fields)-6)%6 != 0 {
		return entry{}, false
	}
	e := entry{Key: Key(fields[0]), Profile: Profile{Name: fields[1], Issuer: fields[2], ClientID: fields[3],
		PlatformTarget: fields[4], PlatformToken: fields[5] == "1"}}
	for f := fields[6:]; len(f) > 0; f = f[6:] {
		size, err1 := strconv.ParseInt(f[2], 10, 64)
		mtime, err2 := strconv.ParseInt(f[3], 10, 64)
		mode, err3 := strconv.ParseUint(f[4], 10, 32)
		ino, err4 := strconv.ParseUint(f[5], 10, 64)
		if errors.Join(err1, err2, err3, err4) != nil {
			return entry{}, false
		}
		e.Files = append(e.Files, File{Path: f[0], Exists: f[1] == "1", Size: size, ModTime: mtime, Mode: uint32(mode), Inode: ino})
	}
	return e, true
}

// read returns the hints in dir; none when the file is missing or
// damaged.
func read(dir string) []entry {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil
	}
	rest, ok := strings.CutPrefix(string(b), header)
	if !ok {
		return nil
	}
	var entries []entry
	for line := range strings.Lines(rest) {
		e, ok := parseEntry(strings.TrimSuffix(line, "\n"))
		if !ok {
			return nil
		}
		entries = append(entries, e)
	}
	return entries
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func joinQuoted(fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Quote(f))
	}
	return b.String()
}

func splitQuoted(s string) ([]string, bool) {
	var out []string
	for s != "" {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, false
		}
		f, err := strconv.Unquote(q)
		if err != nil {
			return nil, false
		}
		out = append(out, f)
		s = s[len(q):]
		if s != "" {
			if s[0] != ' ' {
				return nil, false
			}
			s = s[1:]
		}
	}
	return out, true
}

// writeFile replaces the hint file whole (a temp file renamed over it),
// mode 0600. It is a cache: no fsync, a torn file reads as no hints.
func writeFile(dir string, b []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+FileName+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, FileName)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
