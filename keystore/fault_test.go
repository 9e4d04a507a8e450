package keystore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/ssohelper/ssohelper/internal/testdisk"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envFaultChild makes the test binary run TestFaultDiskFull's inside, in
// the private mount namespace its parent started it in.
const envFaultChild = "SSOHELPER_KEYSTORE_FAULT_CHILD"

// TestFaultDiskFull: Put on a full disk, or with less room left than the
// value needs, fails with ENOSPC and a hint to free space, keeps the
// previous value byte for byte and leaves no half-written file; once there
// is room, the same Put succeeds. The disk is a 256 KiB tmpfs in a private
// mount namespace (unshare -m in a child process; CI runs as root). A
// mount that fails fails the test when SSOHELPER_REQUIRE_REAL is set.
func TestFaultDiskFull(t *testing.T) {
	if os.Getenv(envFaultChild) == "1" {
		faultDiskFull(t)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("tmpfs and mount namespaces are Linux's")
	}
	if out, err := exec.Command("unshare", "-m", "--propagation", "private", "true").CombinedOutput(); err != nil {
		requireReal(t, fmt.Sprintf("a private mount namespace (unshare -m, as root): %v: %s", err, out))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "-m", "--propagation", "private",
		os.Args[0], "-test.run=^TestFaultDiskFull$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), envFaultChild+"=1", "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	t.Logf("unshare -m:\n%s", out)
	if err == nil && strings.Contains(string(out), "--- SKIP: TestFaultDiskFull") {
		t.Skip("the child skipped (see its output above)")
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestFaultDiskFull") {
		t.Fatalf("the run inside the private mount namespace did not pass: %v", err)
	}
}

// requireReal fails the test when SSOHELPER_REQUIRE_REAL is set (CI), and
// skips it otherwise.
func requireReal(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("SSOHELPER_REQUIRE_REAL") != "" {
		t.Fatalf("required (SSOHELPER_REQUIRE_REAL is set) but unavailable: %s", why)
	}
	t.Skipf("unavailable (%s); run scripts/test.sh as root to run this test", why)
}

func faultDiskFull(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		room int // bytes left free before the Put; -1: none at all
		size int // of the new value
	}{
		{"a full disk, a small value", -1, 100},
		{"a full disk, a token-sized value", -1, 8 << 10},
		{"less room than the value needs", 32 << 10, 128 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			disk := t.TempDir()
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", disk).CombinedOutput(); err != nil {
				requireReal(t, fmt.Sprintf("mount -t tmpfs: %v: %s", err, out))
			}
			t.Cleanup(func() { _ = exec.Command("umount", disk).Run() })
			dir := filepath.Join(disk, "data")
			s, err := New(Options{Dir: dir, Keyring: newFakeKeyring()})
			if err != nil {
				t.Fatal(err)
			}
			old := bytes.Repeat([]byte("o"), 8<<10)
			mustPut(t, s, "session/work", old)
			file := filepath.Join(dir, fileName("session/work"))
			sealed, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}

			free := testdisk.Fill(t, disk, tt.room)
			err = s.Put(ctx, "session/work", bytes.Repeat([]byte("n"), tt.size))
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Put on a full disk: got %v; want ENOSPC", err)
			}
			if h := hintOf(err); !strings.Contains(h, "free some disk space") || !strings.Contains(h, dir) {
				t.Errorf("hint %q does not say to free space where %s is", h, dir)
			}
			if got, _ := os.ReadFile(file); !bytes.Equal(got, sealed) {
				t.Errorf("the sealed file changed")
			}
			if got, err := s.Get(ctx, "session/work"); err != nil || !bytes.Equal(got, old) {
				t.Errorf("Get after the failed Put: %d bytes, %v; want the old value", len(got), err)
			}
			if temps, _ := filepath.Glob(filepath.Join(dir, ".*"+tmpMarker+"*")); len(temps) > 0 {
				t.Errorf("half-written files left behind: %v", temps)
			}

			free()
			want := bytes.Repeat([]byte("n"), tt.size)
			mustPut(t, s, "session/work", want)
			if got, err := s.Get(ctx, "session/work"); err != nil || !bytes.Equal(got, want) {
				t.Errorf("Get after the retry: %d bytes, %v; want the new value", len(got), err)
			}
		})
	}
}
