// Package testdisk fills a small file system for tests of what happens
// when the disk is full. Tests only: nothing in the programs imports it.
package testdisk

import (
	"os"
	"path/filepath"
	"testing"
)

// Fill takes all but room bytes of the file system of dir (room 0 or -1:
// all of it, checked by one more byte failing to fit) and returns a
// function that frees them again.
func Fill(t testing.TB, dir string, room int) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{64 << 10, 4 << 10, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				break // ENOSPC: on to a smaller chunk
			}
		}
	}
	if room > 0 {
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(fi.Size() - int64(room)); err != nil {
			t.Fatal(err)
		}
	} else if _, err := f.Write([]byte{0}); err == nil {
		t.Fatalf("%s is not full after filling it", dir)
	}
	return func() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
}
