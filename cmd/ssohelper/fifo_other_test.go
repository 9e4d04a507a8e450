//go:build !unix

package main

import "testing"

// mkfifo: Windows has no named pipes in the file system to point a
// config path at.
func mkfifo(t *testing.T, _ string) {
	t.Skip("no FIFOs in the file system here")
}
