//go:build unix

package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRefusesNonRegularFiles: a device, FIFO, directory or huge file
// is refused with a clear message, quickly and without reading it whole;
// a symlink to a regular file is fine.
func TestLoadRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(good, []byte("[profiles.w]\nissuer = \"https://login.example.com\"\nclient_id = \"c\"\n[profiles.w.platform]\nkind = \"none\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.toml")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	if f, err := Load(link); err != nil || len(f.Profiles) != 1 {
		t.Errorf("symlink to a config file: got %v, %v; want it loaded", f, err)
	}
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# comment\n"), MaxFileSize/10+1), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"/dev/zero", "is not a regular file (a device)"},
		{fifo, "is not a regular file (a FIFO)"},
		{dir, "is not a regular file (a directory)"},
		{big, "larger than 1024 KiB"},
	} {
		done := make(chan error, 1)
		go func() { _, err := Load(tc.path); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load(%s): got %v; want ErrInvalid saying %q", tc.path, err, tc.want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("Load(%s) hangs", tc.path)
		}
	}
}
