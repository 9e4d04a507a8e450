package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// fullProgram finds the ssohelper program: next to this one (as installed
// together), else on PATH.
func fullProgram() (string, error) {
	name := "ssohelper"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	self, err := os.Executable()
	if err == nil {
		next := filepath.Join(filepath.Dir(self), name)
		if fi, err := os.Stat(next); err == nil && fi.Mode().IsRegular() {
			return next, nil
		}
	}
	path, err := exec.LookPath(name)
	if err != nil {
		where := "on PATH"
		if self != "" {
			where = "next to " + self + " or on PATH"
		}
		return "", fmt.Errorf("this token needs the ssohelper program, which is not %s: install ssohelper and ssohelper-token together", where)
	}
	return path, nil
}

// handOff runs `full token args…` with this process's standard streams and
// returns its exit code (execHandOff replaces this process where it can).
func handOff(full string, args []string) int {
	argv := append([]string{full, "token"}, args...)
	if err := execHandOff(full, argv); err != nil {
		fmt.Fprintf(os.Stderr, "ssohelper-token: starting %s: %v\n", full, err)
		return 1
	}
	cmd := exec.Command(full, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ssohelper-token: running %s: %v\n", full, err)
		return 1
	}
	return 0
}
