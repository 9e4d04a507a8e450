package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// harness runs the real command against the emulator with fakes for the
// OS: an in-memory keyring, a temp data dir and config file, and an opener
// chosen by the test.
type harness struct {
	t       testing.TB
	srv     *authtest.Server
	dir     string
	ports   []int
	env     map[string]string
	keyring keystore.Keyring
	stdin   io.Reader
	// readHidden plays the terminal for Env.ReadHidden; nil: not a terminal.
	readHidden func(prompt string) (string, error)
	// now is this machine's clock for the command; nil: time.Now.
	now func() time.Time
	// system are the system-wide config files (Env.SystemConfig).
	system []string
	// stdout and stderr are written by the command's goroutines (its
	// loggers and its messages), as os.Stdout and os.Stderr are.
	stdout safeBuffer
	stderr safeBuffer
}

// safeBuffer is a bytes.Buffer that many goroutines may write.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Bytes returns a copy of the content.
func (s *safeBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

func (s *safeBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

func (s *safeBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

func newHarness(t testing.TB, opts authtest.Options) *harness {
	t.Helper()
	return newHarnessClient(t, opts, nil)
}

// newHarnessClient is newHarness with the demo app client changed by mod.
func newHarnessClient(t testing.TB, opts authtest.Options, mod func(*authtest.Client)) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), ports: freePorts(t, 3), keyring: &memKeyring{m: map[string]string{}}}
	client := authtest.DemoClient()
	client.CallbackURLs, client.LogoutURLs = nil, nil
	for _, p := range h.ports {
		client.CallbackURLs = append(client.CallbackURLs, fmt.Sprintf("http://localhost:%d/callback", p))
		client.LogoutURLs = append(client.LogoutURLs, fmt.Sprintf("http://localhost:%d/signed-out", p))
	}
	if mod != nil {
		mod(&client)
	}
	if opts.Clients == nil {
		opts.Clients = []authtest.Client{client}
	}
	srv, err := authtest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	h.srv = srv
	h.env = map[string]string{
		config.EnvConfig:         filepath.Join(h.dir, "config.toml"),
		config.EnvPlatformSecret: authtest.DemoPlatformApp().Secret,
	}
	h.writeProfile(nil)
	return h
}

// profile is the emulator profile the tests start from.
func (h *harness) profile() config.Profile {
	p := demoProfile(h.srv)
	p.Name = "work"
	p.RedirectPorts = h.ports
	p.LoginTimeout = config.Duration{Duration: 30 * time.Second}
	return p
}

// writeProfile saves the config file with the profile, changed by mod.
func (h *harness) writeProfile(mod func(*config.Profile)) {
	h.t.Helper()
	p := h.profile()
	if mod != nil {
		mod(&p)
	}
	f := &config.File{DefaultProfile: p.Name, Profiles: map[string]config.Profile{p.Name: p}}
	if err := f.Save(h.env[config.EnvConfig]); err != nil {
		h.t.Fatal(err)
	}
}

// run executes the command line with opener as the system browser.
func (h *harness) run(ctx context.Context, opener auth.Opener, args ...string) int {
	h.stdout.Reset()
	h.stderr.Reset()
	return run(ctx, args, h.newEnv(opener, &h.stdout, &h.stderr))
}

// newEnv is the Env the harness runs commands with, writing to stdout and
// stderr.
func (h *harness) newEnv(opener auth.Opener, stdout, stderr io.Writer) *Env {
	stdin := h.stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	env := &Env{
		Stdin:  stdin,
		Stdout: stdout, Stderr: stderr,
		Getenv:       func(k string) string { return h.env[k] },
		HTTP:         &http.Client{Timeout: 10 * time.Second},
		Now:          time.Now,
		Opener:       opener,
		Keyring:      h.keyring,
		DataDir:      h.dataDir(),
		ReadHidden:   h.readHidden,
		SystemConfig: h.system,
	}
	if h.now != nil {
		env.Now = h.now
	}
	return env
}

// storedSession reads the saved session of profile through the real store.
func (h *harness) store() *keystore.Store {
	st, err := keystore.New(keystore.Options{Dir: h.dataDir(), Keyring: h.keyring})
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

// dataDir is where the command keeps its files: $XDG_DATA_HOME/ssohelper
// with XDG_DATA_HOME inside the test's directory, so subprocesses agree.
func (h *harness) dataDir() string { return filepath.Join(h.dir, "xdg", "ssohelper") }

// procEnv is base plus what a separate ssohelper process needs to share
// this harness's config file and data directory, plus extra.
func (h *harness) procEnv(base []string, extra ...string) []string {
	env := append(slices.Clone(base),
		"XDG_DATA_HOME="+filepath.Join(h.dir, "xdg"),
		config.EnvConfig+"="+h.env[config.EnvConfig],
	)
	return append(env, extra...)
}

// useFileStore switches to the opt-in file store, which separate
// processes share (subprocesses get --insecure-file-store).
func (h *harness) useFileStore() {
	h.keyring = keystore.NewFileKeyring(filepath.Join(h.dataDir(), "vault.key"))
}

// freePorts finds n loopback ports that are free right now.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports, err := freeLoopbackPorts(n)
	if err != nil {
		t.Fatal(err)
	}
	return ports
}

// memKeyring is an in-memory keystore.Keyring.
type memKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"/"+user]
	if !ok {
		return "", errNotFound
	}
	return v, nil
}

func (k *memKeyring) Set(service, user, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[service+"/"+user] = password
	return nil
}

func (k *memKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, service+"/"+user)
	return nil
}

// openerFunc adapts a function to auth.Opener.
type openerFunc func(ctx context.Context, url string) error

func (f openerFunc) Open(ctx context.Context, url string) error { return f(ctx, url) }

// stopOnError wraps an opener: when the browser side fails (the user is
// stuck on an error page), it records why and cancels the sign-in, the way
// a user would press Ctrl-C.
func stopOnError(o auth.Opener, cancel context.CancelFunc, got *error) auth.Opener {
	var mu sync.Mutex
	return openerFunc(func(ctx context.Context, url string) error {
		err := o.Open(ctx, url)
		if err != nil && !errors.Is(err, context.Canceled) {
			mu.Lock()
			*got = err
			mu.Unlock()
			cancel()
		}
		return err
	})
}

// scrubbedEnv is the test's environment without display, bus and
// session variables, so the app sees only what the test gives it.
func scrubbedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "PATH":
			continue
		}
		env = append(env, kv)
	}
	return env
}
