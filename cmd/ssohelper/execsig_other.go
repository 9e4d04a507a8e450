//go:build !unix

package main

import (
	"io"
	"os"
	"os/exec"
)

// forwardedSignals: Windows delivers Ctrl+C to every process on the
// console itself; nothing is passed on.
var forwardedSignals []os.Signal

func fromTerminal(os.Signal, io.Reader) bool { return true }

func exitStatus(ee *exec.ExitError) int { return ee.ExitCode() }
