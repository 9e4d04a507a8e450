package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestImport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cfg", "config.toml")
	good := []byte("[profiles.w]\nissuer = \"https://login.example.com\"\nclient_id = \"c\"\n[profiles.w.platform]\nkind = \"none\"\n")
	if _, err := Import([]byte("[profiles.w]\nissuer = \"http://evil.example.com\"\n"), path, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid file: got %v; want ErrInvalid", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("an invalid file was installed (%v)", err)
	}
	if _, err := Import([]byte("# nothing\n"), path, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("file without profiles: got %v; want ErrInvalid", err)
	}
	f, err := Import(good, path, nil)
	if err != nil || len(f.Profiles) != 1 {
		t.Fatalf("Import: %v, %v", f, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("installed file: %v, %v; want mode 0600", fi, err)
	}
	second := append([]byte("# v2\n"), good...)
	if _, err := Import(second, path, nil); err != nil {
		t.Fatal(err)
	}
	if old, err := os.ReadFile(path + ".bak"); err != nil || string(old) != string(good) {
		t.Errorf("backup %q, %v; want the previous file kept", old, err)
	}
	if now, _ := os.ReadFile(path); string(now) != string(second) {
		t.Errorf("installed %q; want the new file", now)
	}
}
