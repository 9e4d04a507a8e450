package keystore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const crashValueSize = 1 << 20

// crashValue builds value number gen: the 8-byte gen, a fill byte that
// alternates with gen, and a SHA-256 of everything before it.
func crashValue(gen uint64) []byte {
	v := bytes.Repeat([]byte{byte('a' + gen%2)}, crashValueSize)
	binary.BigEndian.PutUint64(v, gen)
	sum := sha256.Sum256(v[:crashValueSize-sha256.Size])
	copy(v[crashValueSize-sha256.Size:], sum[:])
	return v
}

// checkCrashValue returns the gen of v if v is exactly a crashValue.
func checkCrashValue(v []byte) (uint64, bool) {
	if len(v) != crashValueSize {
		return 0, false
	}
	gen := binary.BigEndian.Uint64(v)
	return gen, bytes.Equal(v, crashValue(gen))
}

func crashStore(t *testing.T, dir string) *Store {
	s, err := New(Options{Dir: dir, Keyring: NewFileKeyring(filepath.Join(dir, "key.json"))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHelperWriter is the writer process of TestCrashAtomicity: it saves
// value after value until it is killed.
func TestHelperWriter(t *testing.T) {
	dir := os.Getenv("SSOHELPER_KEYSTORE_WRITER_DIR")
	if dir == "" {
		return // only the writer process started by TestCrashAtomicity does work here
	}
	gen, err := strconv.ParseUint(os.Getenv("SSOHELPER_KEYSTORE_WRITER_GEN"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	s := crashStore(t, dir)
	fmt.Println("ready")
	for ; ; gen++ {
		if err := s.Put(context.Background(), "tokens/dev", crashValue(gen)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCrashAtomicity kills a writer process with SIGKILL at random moments,
// 100 times, and checks each time that the saved value is whole: the old one
// or a new one, never a mix.
func TestCrashAtomicity(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := crashStore(t, dir)
	mustPut(t, s, "tokens/dev", crashValue(0))
	var last uint64
	changed := 0
	const kills = 100
	for i := range kills {
		start := uint64(i+1) * 1_000_000
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
		cmd.Env = append(os.Environ(), "SSOHELPER_KEYSTORE_WRITER_DIR="+dir,
			"SSOHELPER_KEYSTORE_WRITER_GEN="+strconv.FormatUint(start, 10))
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
			_ = cmd.Process.Kill()
			t.Fatalf("writer %d did not start: %q, %v", i, line, err)
		}
		time.Sleep(rand.N(20 * time.Millisecond))
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // Killed: the error is expected.

		v, err := s.Get(ctx, "tokens/dev")
		if err != nil {
			t.Fatalf("kill %d: Get: %v", i, err)
		}
		gen, ok := checkCrashValue(v)
		if !ok {
			t.Fatalf("kill %d: got a torn or foreign value (%d bytes)", i, len(v))
		}
		if gen != last && gen < start {
			t.Fatalf("kill %d: got gen %d; want %d or one written by this writer (>= %d)", i, gen, last, start)
		}
		if gen != last {
			changed++
			last = gen
		}
	}
	temps, _ := filepath.Glob(filepath.Join(dir, ".*"+tmpMarker+"*"))
	t.Logf("%d kills: %d times a new value was whole, %d times the old one; %d kills left a half-written temp file",
		kills, changed, kills-changed, len(temps))
	if changed == 0 {
		t.Errorf("the writer never completed a Put before being killed; the test proved nothing")
	}
}
