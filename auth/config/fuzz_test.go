package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// FuzzConfigParse feeds Parse arbitrary files; the seeds under
// testdata/fuzz include Example(). Properties: no panic; work bounded by
// the input; a refused file gives a nil *File and an error wrapping
// ErrInvalid, printable line by line (it reaches a terminal); an accepted
// file validates, has only valid profile names, and what Marshal writes
// of it parses back to the same profiles.
func FuzzConfigParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		stop := fuzzWatchdog("Parse(%q)", data)
		file, err := Parse(data)
		stop()
		if err != nil {
			if file != nil {
				t.Fatalf("Parse refused the file (%v) but returned %+v", err, file)
			}
			fuzzCheckConfigError(t, err)
			return
		}
		fuzzCheckAccepted(t, file)
		out, err := file.Marshal()
		if err != nil {
			t.Fatalf("Marshal of an accepted file: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("what Marshal wrote does not parse: %v\n%s", err, out)
		}
		if again.DefaultProfile != file.DefaultProfile || !reflect.DeepEqual(again.Profiles, file.Profiles) {
			t.Fatalf("round trip changed the file:\n got %+v\nwant %+v\n%s", again, file, out)
		}
	})
}

// FuzzLoadMerged loads a system file and a user file, both fuzzed, the way
// a managed machine does; the seeds include Example() as either file.
// Properties: no panic; bounded work; a refusal gives a nil *File and a
// printable error wrapping ErrInvalid; an accepted pair validates; every
// profile the system file defines is managed by it, and each of its
// locked keys (LockedKeys, less the system's user_may_change) has the
// system file's value whatever the user's file says; profiles of the
// user's file alone are not managed.
func FuzzLoadMerged(f *testing.F) {
	dir := f.TempDir()
	sysPath, userPath := filepath.Join(dir, "system.toml"), filepath.Join(dir, "user.toml")
	f.Fuzz(func(t *testing.T, system, user []byte) {
		if err := os.WriteFile(sysPath, system, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(userPath, user, 0o600); err != nil {
			t.Fatal(err)
		}
		stop := fuzzWatchdog("LoadMerged(%q, %q)", system, user)
		merged, err := LoadMerged([]string{sysPath}, userPath)
		stop()
		if err != nil {
			if merged != nil {
				t.Fatalf("LoadMerged refused (%v) but returned %+v", err, merged)
			}
			fuzzCheckConfigError(t, err)
			return
		}
		fuzzCheckAccepted(t, merged)
		sys, err := Parse(system)
		if err != nil {
			t.Fatalf("LoadMerged accepted a system file Parse refuses: %v", err)
		}
		for name, sp := range sys.Profiles {
			mp, ok := merged.Profiles[name]
			if !ok {
				t.Fatalf("system profile %q is missing from the merged file", name)
			}
			if mp.Managed != sysPath {
				t.Fatalf("system profile %q: Managed = %q; want %q", name, mp.Managed, sysPath)
			}
			if !slices.Equal(mp.UserMayChange, sp.UserMayChange) {
				t.Fatalf("profile %q: user_may_change = %q; the system file says %q", name, mp.UserMayChange, sp.UserMayChange)
			}
			for _, key := range LockedKeys {
				if slices.Contains(sp.UserMayChange, key) {
					continue
				}
				got, want := leafValue(&mp, key).Interface(), leafValue(&sp, key).Interface()
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("managed profile %q: locked key %s = %v; the system file says %v", name, key, got, want)
				}
			}
		}
		for name, p := range merged.Profiles {
			if _, ok := sys.Profiles[name]; !ok && p.Managed != "" {
				t.Fatalf("profile %q of the user's file alone is managed by %q", name, p.Managed)
			}
		}
	})
}

// fuzzCheckConfigError checks a refusal: it wraps ErrInvalid and every line of
// its text is printable.
func fuzzCheckConfigError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %q does not wrap ErrInvalid", err)
	}
	for line := range strings.SplitSeq(err.Error(), "\n") {
		if sanitize.Text(line) != line {
			t.Fatalf("error text is not printable: %q", line)
		}
	}
}

// fuzzCheckAccepted checks a file Parse or LoadMerged accepted.
func fuzzCheckAccepted(t *testing.T, file *File) {
	t.Helper()
	if err := file.Validate(); err != nil {
		t.Fatalf("an accepted file does not validate: %v", err)
	}
	for name, p := range file.Profiles {
		if msg := CheckProfileName(name); msg != "" || p.Name != name {
			t.Fatalf("accepted profile %q (Name %q): %s", name, p.Name, msg)
		}
	}
	if file.DefaultProfile != "" {
		if _, err := file.Profile(""); err != nil {
			t.Fatalf("default_profile %q: %v", file.DefaultProfile, err)
		}
	}
}

// fuzzWatchdog crashes the fuzzing process when stop is not called within
// 10 s, naming the call (format and args, formatted only then): the
// fuzzer keeps the input that did not end.
func fuzzWatchdog(format string, args ...any) (stop func()) {
	t := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf(format, args...) + " did not return within 10s") })
	return func() { t.Stop() }
}
