package keystore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
// value after value until it is killed, and reports on stdout when each Put
// begins ("begin <gen>") and when it has returned ("done <gen>"). The value
// is built before "begin", so the time between the two lines is the Put
// alone.
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
	for ; ; gen++ {
		v := crashValue(gen)
		fmt.Printf("begin %d\n", gen)
		if err := s.Put(context.Background(), "tokens/dev", v); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("done %d\n", gen)
	}
}

// writerEvent is one progress line of the writer process and when the test
// read it.
type writerEvent struct {
	done bool // "done": the Put of gen returned; else it began
	gen  uint64
	at   time.Time
}

// readWriterEvents sends every progress line of the writer to the returned
// channel and closes it when the writer's stdout ends (it was killed).
func readWriterEvents(t *testing.T, r io.Reader) <-chan writerEvent {
	events := make(chan writerEvent, 64)
	go func() { // exits at EOF, which the kill brings
		defer close(events)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			kind, num, _ := strings.Cut(sc.Text(), " ")
			gen, err := strconv.ParseUint(num, 10, 64)
			if err != nil || (kind != "begin" && kind != "done") {
				t.Errorf("writer printed %q", sc.Text())
				continue
			}
			events <- writerEvent{done: kind == "done", gen: gen, at: time.Now()}
		}
	}()
	return events
}

// TestCrashAtomicity kills a writer process with SIGKILL 100 times and checks
// each time that the saved value is whole: the last one a Put completed, or
// the one being written, never a mix. Kill points come from the writer's own
// progress, so they land inside writes on a fast machine and on a slow one:
// the writer's first Put is timed, then the kill lands a random fraction of
// that time after its second Put began. The test fails unless at least 30
// kills landed while a write was in progress.
func TestCrashAtomicity(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := crashStore(t, dir)
	mustPut(t, s, "tokens/dev", crashValue(0))
	var last uint64 // gen of the last Put known to have completed
	const kills, wantInFlight = 100, 30
	inFlight, newWhole := 0, 0
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
		events := readWriterEvents(t, out)

		// Time the first Put, then kill a random share of that time into
		// the second.
		var began time.Time
		var putTime time.Duration
		for putTime == 0 {
			ev, ok := <-events
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("writer %d stopped before its second Put", i)
			}
			switch {
			case !ev.done && ev.gen == start:
				began = ev.at
			case ev.done && ev.gen == start:
				last = start
				putTime = max(ev.at.Sub(began), time.Microsecond)
			}
		}
		if ev := <-events; ev.done || ev.gen != start+1 {
			_ = cmd.Process.Kill()
			t.Fatalf("writer %d: got event %+v; want the begin of gen %d", i, ev, start+1)
		}
		time.Sleep(rand.N(putTime))
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // Killed: the error is expected.

		// Everything the writer printed before it died is in the pipe.
		pending := start + 1 // the Put that began and has not reported done
		for ev := range events {
			if ev.done {
				last, pending = ev.gen, 0
			} else {
				pending = ev.gen
			}
		}
		v, err := s.Get(ctx, "tokens/dev")
		if err != nil {
			t.Fatalf("kill %d: Get: %v", i, err)
		}
		gen, ok := checkCrashValue(v)
		if !ok {
			t.Fatalf("kill %d: got a torn or foreign value (%d bytes)", i, len(v))
		}
		switch {
		case gen == last:
		case pending != 0 && gen == pending:
			newWhole++ // the rename happened just before the kill
		default:
			t.Fatalf("kill %d: got gen %d; want %d (last completed) or %d (in flight)", i, gen, last, pending)
		}
		if pending != 0 {
			inFlight++
			last = gen
		}
	}
	temps, _ := filepath.Glob(filepath.Join(dir, ".*"+tmpMarker+"*"))
	t.Logf("%d kills: %d landed while a Put was in flight (%d of those found the new value already whole, the rest the old one); %d half-written temp files left",
		kills, inFlight, newWhole, len(temps))
	if inFlight < wantInFlight {
		t.Errorf("only %d of %d kills landed while a Put was in flight; want at least %d, or the test proves too little", inFlight, kills, wantInFlight)
	}
}
