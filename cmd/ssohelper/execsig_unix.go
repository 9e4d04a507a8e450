//go:build unix

package main

import (
	"io"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/term"
)

// forwardedSignals are passed on to exec's command.
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// fromTerminal guesses that s came from the terminal's keyboard (Ctrl+C,
// Ctrl+\), which sends it to the whole foreground process group, the
// command included, so it is not sent twice.
func fromTerminal(s os.Signal, stdin io.Reader) bool {
	if s != syscall.SIGINT && s != syscall.SIGQUIT {
		return false
	}
	f, ok := stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// exitStatus is the command's exit code, or 128 + the signal that ended it
// (as shells report it).
func exitStatus(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
