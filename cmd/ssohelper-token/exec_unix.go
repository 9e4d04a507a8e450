//go:build unix

package main

import (
	"os"
	"syscall"
)

// execHandOff replaces this process with argv; it returns only on error.
func execHandOff(path string, argv []string) error {
	return syscall.Exec(path, argv, os.Environ())
}
