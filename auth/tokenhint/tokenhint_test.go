package tokenhint

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLookup(t *testing.T) {
	now := time.Now()
	old := now.Add(-time.Hour)
	want := Profile{Name: "work", Issuer: "https://idp.example/pool", ClientID: "client", PlatformTarget: "none"}
	env := map[string]string{"HOME": "/home/dana", "SSOHELPER_PROFILE": "work"}
	key := KeyOf("", "", func(k string) string { return env[k] })

	tests := []struct {
		name string
		// change runs after Save; it returns the key to look up.
		change  func(t *testing.T, user, system string) Key
		wantHit bool
	}{
		{"unchanged", func(*testing.T, string, string) Key { return key }, true},
		{"another --profile", func(*testing.T, string, string) Key {
			return KeyOf("", "home", func(k string) string { return env[k] })
		}, false},
		{"another $SSOHELPER_PROFILE", func(*testing.T, string, string) Key {
			return KeyOf("", "", func(k string) string {
				if k == "SSOHELPER_PROFILE" {
					return "home"
				}
				return env[k]
			})
		}, false},
		{"another --config", func(*testing.T, string, string) Key {
			return KeyOf("/tmp/other.toml", "", func(k string) string { return env[k] })
		}, false},
		{"user file edited, other size", func(t *testing.T, user, _ string) Key {
			write(t, user, "default_profile = 'homes'\n", old)
			return key
		}, false},
		{"user file edited, same size, other time", func(t *testing.T, user, _ string) Key {
			write(t, user, "default_profile = 'wrok'\n", old.Add(time.Second))
			return key
		}, false},
		{"user file replaced, same size and time", func(t *testing.T, user, _ string) Key {
			tmp := user + ".new"
			write(t, tmp, "default_profile = 'wrok'\n", old)
			if err := os.Rename(tmp, user); err != nil {
				t.Fatal(err)
			}
			return key
		}, false},
		{"user file chmod", func(t *testing.T, user, _ string) Key {
			if err := os.Chmod(user, 0o644); err != nil {
				t.Fatal(err)
			}
			return key
		}, false},
		{"user file removed", func(t *testing.T, user, _ string) Key {
			if err := os.Remove(user); err != nil {
				t.Fatal(err)
			}
			return key
		}, false},
		{"system file appears", func(t *testing.T, _, system string) Key {
			write(t, system, "[profiles.work]\n", old)
			return key
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			user, system := filepath.Join(dir, "config.toml"), filepath.Join(dir, "etc", "config.toml")
			write(t, user, "default_profile = 'work'\n", old)
			files, err := Stat([]string{system, user})
			if err != nil {
				t.Fatal(err)
			}
			if err := Save(dir, key, files, want, now); err != nil {
				t.Fatal(err)
			}
			got, ok := Lookup(dir, tt.change(t, user, system))
			if ok != tt.wantHit || ok && got != want {
				t.Errorf("Lookup = %+v, %v; want hit %v", got, ok, tt.wantHit)
			}
		})
	}
}

func TestSaveRefuses(t *testing.T) {
	now := time.Now()
	p := Profile{Name: "work"}
	key := KeyOf("", "", func(string) string { return "" })
	t.Run("a file changed in the last two seconds", func(t *testing.T) {
		dir := t.TempDir()
		user := filepath.Join(dir, "config.toml")
		write(t, user, "x", now.Add(-time.Second))
		files, _ := Stat([]string{user})
		if err := Save(dir, key, files, p, now); err != nil {
			t.Fatal(err)
		}
		if _, ok := Lookup(dir, key); ok {
			t.Error("a hint was saved for a file changed a second ago")
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); !os.IsNotExist(err) {
			t.Errorf("hint file: %v, want none", err)
		}
	})
	t.Run("a damaged hint file reads as none and is replaced", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, FileName), `[{"key":`, now)
		if _, ok := Lookup(dir, key); ok {
			t.Fatal("hit on a damaged file")
		}
		if err := Save(dir, key, nil, p, now); err != nil {
			t.Fatal(err)
		}
		if got, ok := Lookup(dir, key); !ok || got != p {
			t.Errorf("Lookup = %+v, %v after Save", got, ok)
		}
	})
	t.Run("at most eight ways of calling are kept, the latest", func(t *testing.T) {
		dir := t.TempDir()
		keys := make([]Key, 10)
		for i := range keys {
			keys[i] = KeyOf("", fmt.Sprint("p", i), func(string) string { return "" })
			if err := Save(dir, keys[i], nil, Profile{Name: fmt.Sprint("p", i)}, now); err != nil {
				t.Fatal(err)
			}
		}
		for i, k := range keys {
			_, ok := Lookup(dir, k)
			if want := i >= 2; ok != want {
				t.Errorf("key %d: hit %v, want %v", i, ok, want)
			}
		}
		fi, err := os.Stat(filepath.Join(dir, FileName))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("hint file mode: %v, %v; want 0600", fi, err)
		}
	})
}

func write(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// TestHintFileRoundTrip: values with quotes, spaces, new lines and
// non-ASCII text come back as they went in.
func TestHintFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	odd := "a \"b\"\n\tc é \x00 \\"
	key := KeyOf(odd, odd, func(string) string { return odd })
	p := Profile{Name: "work", Issuer: odd, ClientID: odd, PlatformTarget: odd, PlatformToken: true}
	files := []File{{Path: odd, Exists: true, Size: 1 << 40, ModTime: -5, Mode: 0o100600, Inode: 1<<64 - 1}, {Path: "/nope"}}
	if err := Save(dir, key, files, p, time.Now()); err != nil {
		t.Fatal(err)
	}
	entries := read(dir)
	if len(entries) != 1 || entries[0].Key != key || entries[0].Profile != p || len(entries[0].Files) != 2 ||
		entries[0].Files[0] != files[0] || entries[0].Files[1] != files[1] {
		t.Errorf("read back %+v", entries)
	}
}
