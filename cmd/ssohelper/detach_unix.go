//go:build !nogui && unix

package main

import (
	"errors"
	"os/exec"
	"syscall"
)

// detach runs cmd in its own session: the terminal's Ctrl+C for the app
// does not reach it.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }

func isConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
