package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"golang.org/x/term"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// Env holds every dependency that touches the operating system, so tests
// can run the real command with fakes (kubelogin's headless constructor).
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	HTTP           *http.Client
	Now            func() time.Time
	// Opener opens the system browser; nil means --no-browser.
	Opener auth.Opener
	// Keyring is the OS keyring; tests pass an in-memory or file keyring.
	Keyring keystore.Keyring
	// DataDir holds the encrypted token files (default $XDG_DATA_HOME/ssohelper).
	DataDir string
	// ReadHidden shows prompt to the person at the terminal and reads one
	// line without echo; nil when stdin is not a terminal.
	ReadHidden func(prompt string) (string, error)
	// SystemConfig are the IT admin's config files, most important first
	// (config.SystemPaths); merged under the user's.
	SystemConfig []string
}

// httpTimeout bounds every request to the identity provider and platform.
const httpTimeout = 30 * time.Second

func osEnv() *Env {
	return &Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv:       os.Getenv,
		HTTP:         &http.Client{Timeout: httpTimeout},
		Now:          time.Now,
		Opener:       &systemBrowser{stderr: os.Stderr},
		Keyring:      keystore.OSKeyring{},
		DataDir:      dataDir(),
		ReadHidden:   terminalReader(os.Stdin, os.Stderr),
		SystemConfig: config.SystemPaths(runtime.GOOS, os.Getenv),
	}
}

// terminalReader returns Env.ReadHidden for in, or nil when in is not a
// terminal. The prompt goes to out (stderr), never to stdout.
func terminalReader(in *os.File, out io.Writer) func(string) (string, error) {
	fd := int(in.Fd())
	if !term.IsTerminal(fd) {
		return nil
	}
	return func(prompt string) (string, error) {
		fmt.Fprint(out, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(out) // the Enter key was not echoed either
		return string(b), err
	}
}

// dataDir is keystore.DefaultDir ($XDG_DATA_HOME/ssohelper), else a
// directory under the temp dir when no home directory is known.
func dataDir() string {
	if d, err := keystore.DefaultDir(); err == nil {
		return d
	}
	return filepath.Join(os.TempDir(), "ssohelper")
}
