package keystore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Options configure a Store. Only Dir is required.
type Options struct {
	// Dir is where the sealed files live (required). Use DefaultDir for the
	// standard location. It is created with mode 0700 on the first Put.
	Dir string
	// Keyring holds the vault key. Default: OSKeyring{}.
	Keyring Keyring
	// Timeout bounds each keyring call. Default: 5s.
	Timeout time.Duration
	// Service is the keyring service name of the vault key entry.
	// Default: "ssohelper".
	Service string
	// Logger receives debug logs (never values or keys). Default: discard.
	Logger *slog.Logger
	// KeyCacheTTL is how long a copy of the vault key read from the system
	// keyring is kept in the Linux kernel's per-user keyring, so that short
	// processes (`ssohelper token`) skip the Secret Service round trips.
	// Default DefaultKeyCacheTTL for OSKeyring; negative disables; other
	// keyrings are never cached. No effect outside Linux.
	KeyCacheTTL time.Duration
}

// defaultService is the default Options.Service.
const defaultService = "ssohelper"

// DefaultKeyCacheTTL is the default Options.KeyCacheTTL.
const DefaultKeyCacheTTL = 10 * time.Minute

// Environment variables the programs read to choose how the store works.
const (
	// EnvFileStore=1 keeps the vault key in a 0600 file instead of the
	// system keyring (like --insecure-file-store).
	EnvFileStore = "SSOHELPER_INSECURE_FILE_STORE"
	// EnvNoKeyCache=1 turns off the kernel key cache (Options.KeyCacheTTL):
	// every read then asks the keyring for the vault key.
	EnvNoKeyCache = "SSOHELPER_NO_KEY_CACHE"
)

// Store saves named byte values, sealed with the vault key from a keyring.
// A Store is safe for concurrent use, and several processes may share one
// directory.
type Store struct {
	dir     string
	keyring Keyring
	timeout time.Duration
	service string
	log     *slog.Logger
	// cacheTTL > 0 enables the kernel key cache (keycache_linux.go).
	cacheTTL time.Duration

	mu     sync.Mutex
	cached *vaultKey // the last key read from the keyring
}

// New returns a Store for opts. It does no I/O.
func New(opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("keystore: Options.Dir is required")
	}
	s := &Store{
		dir:     filepath.Clean(opts.Dir),
		keyring: cmp.Or[Keyring](opts.Keyring, OSKeyring{}),
		timeout: cmp.Or(opts.Timeout, 5*time.Second),
		service: cmp.Or(opts.Service, defaultService),
		log:     opts.Logger,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if _, ok := s.keyring.(OSKeyring); ok && opts.KeyCacheTTL >= 0 {
		s.cacheTTL = cmp.Or(opts.KeyCacheTTL, DefaultKeyCacheTTL)
	}
	return s, nil
}

// Get returns the value saved under name. It returns ErrNotFound when there
// is none (without asking the keyring), ErrKeyLost when the vault key is gone
// or was replaced, and ErrCorrupt when the file was altered or belongs to
// another name. It asks the keyring at most once per Store, unless the key
// changed.
func (s *Store) Get(ctx context.Context, name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %q: %w", name, err)
	}
	f, err := parseSealed(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.path(name), err)
	}
	k, err := s.keyFor(ctx, f.keyID)
	if err != nil {
		return nil, fmt.Errorf("opening %q: %w", name, err)
	}
	plain, err := open(k, name, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.path(name), err)
	}
	s.log.Debug("keystore: get", "name", name, "bytes", len(plain))
	return plain, nil
}

// keyFor returns the vault key with fingerprint id, from the cache or with
// one keyring read.
func (s *Store) keyFor(ctx context.Context, id [keyIDLen]byte) (vaultKey, error) {
	s.mu.Lock()
	c := s.cached
	s.mu.Unlock()
	if c != nil && c.id == id {
		return *c, nil
	}
	if s.cacheTTL > 0 {
		if k, err := parseKey(kernelCacheGet(s.service)); err == nil && k.id == id {
			s.remember(k)
			return k, nil
		}
	}
	k, err := s.readKey(ctx)
	if errors.Is(err, ErrNotFound) {
		return vaultKey{}, fmt.Errorf("no vault key in the keyring (service %q): %w", s.service, ErrKeyLost)
	}
	if err != nil {
		return vaultKey{}, err
	}
	s.remember(k)
	if k.id != id {
		return vaultKey{}, fmt.Errorf("sealed with a different vault key (the keyring entry was replaced): %w", ErrKeyLost)
	}
	return k, nil
}

func (s *Store) remember(k vaultKey) {
	s.mu.Lock()
	s.cached = &k
	s.mu.Unlock()
}

// Put saves value under name, replacing any previous value atomically.
// Names are 1 to 100 ASCII letters, digits, '-', '_', '.' and '/' with
// non-empty '/'-separated segments and no "..". Put creates the vault key on
// first use and reads it fresh from the keyring (or uses one read from it
// in the last keyFreshFor, as by Ready just before), so it never seals with
// a stale key.
func (s *Store) Put(ctx context.Context, name string, value []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := ensureDir(s.dir); err != nil {
		return fmt.Errorf("creating %s: %w", s.dir, err)
	}
	k, err := s.keyForWrite(ctx)
	if err != nil {
		return fmt.Errorf("saving %q: %w", name, err)
	}
	s.remember(k)
	data, err := seal(k, name, value)
	if err != nil {
		return fmt.Errorf("saving %q: %w", name, err)
	}
	if err := writeFileAtomic(s.dir, fileName(name), data); err != nil {
		return fmt.Errorf("saving %q: %w", name, writeFailed(err, s.dir))
	}
	removeStaleTemps(s.dir, fileName(name), time.Now())
	s.log.Debug("keystore: put", "name", name, "bytes", len(value))
	return nil
}

// Delete removes the value saved under name. A missing value is not an error.
func (s *Store) Delete(_ context.Context, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := removeFile(s.path(name)); err != nil {
		return fmt.Errorf("deleting %q: %w", name, err)
	}
	s.log.Debug("keystore: delete", "name", name)
	return nil
}

// Names lists the saved names in sorted order. A missing directory holds no
// names.
func (s *Store) Names(_ context.Context) ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", s.dir, err)
	}
	var names []string
	for _, e := range entries {
		if name, ok := nameFromFile(e.Name()); ok && e.Type().IsRegular() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Wipe removes every saved value, leftover temporary files and the vault key.
// Nothing is left to recover afterwards.
func (s *Store) Wipe(ctx context.Context) error {
	entries, err := os.ReadDir(s.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("listing %s: %w", s.dir, err)
	}
	var errs []error
	for _, e := range entries {
		if _, ok := nameFromFile(e.Name()); ok || isTemp(e.Name()) {
			errs = append(errs, removeFile(filepath.Join(s.dir, e.Name())))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("wiping %s: %w", s.dir, err)
	}
	if err := ensureDir(s.dir); err != nil { // the lock file lives there
		return fmt.Errorf("creating %s: %w", s.dir, err)
	}
	unlock, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = callKeyring(ctx, s.timeout, func() (string, error) {
		return "", s.keyring.Delete(s.service, keyUser)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("deleting the vault key: %w", err)
	}
	s.mu.Lock()
	s.cached = nil
	s.mu.Unlock()
	kernelCacheDrop(s.service)
	s.log.Debug("keystore: wiped", "dir", s.dir)
	return nil
}

// Describe says where values live, for status output, e.g.
// "system keyring (Secret Service) + encrypted files in /home/me/.local/share/ssohelper".
func (s *Store) Describe() string {
	kind := fmt.Sprintf("keyring %T", s.keyring)
	if d, ok := s.keyring.(interface{ Describe() string }); ok {
		kind = d.Describe()
	}
	return kind + " + encrypted files in " + s.dir
}

// Insecure reports whether the vault key is kept somewhere other than a
// system keyring (a FileKeyring). Callers MUST tell the user every time.
func (s *Store) Insecure() bool {
	i, ok := s.keyring.(interface{ Insecure() bool })
	return ok && i.Insecure()
}

// Dir returns the directory of the sealed files.
func (s *Store) Dir() string { return s.dir }

func (s *Store) path(name string) string { return filepath.Join(s.dir, fileName(name)) }

// DefaultDir returns the standard data directory: $XDG_DATA_HOME/ssohelper
// when XDG_DATA_HOME is set, else ~/.local/share/ssohelper on Linux and BSD,
// ~/Library/Application Support/ssohelper on macOS and
// %AppData%\ssohelper on Windows.
func DefaultDir() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(base) { // The XDG spec says to ignore relative paths.
		var err error
		if base, err = defaultDataHome(); err != nil {
			return "", fmt.Errorf("finding the data directory: %w", err)
		}
	}
	return filepath.Join(base, "ssohelper"), nil
}

// Ready checks that values can be saved: the keyring answers and holds a
// vault key (it is created on first use). Call it before work whose result
// must be saved, such as a browser sign-in.
func (s *Store) Ready(ctx context.Context) error {
	if err := ensureDir(s.dir); err != nil {
		return fmt.Errorf("creating %s: %w", s.dir, err)
	}
	k, err := s.keyForWrite(ctx)
	if err != nil {
		return err
	}
	s.remember(k)
	return nil
}
