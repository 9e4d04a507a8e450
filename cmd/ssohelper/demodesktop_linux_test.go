//go:build !nogui

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoDesktop: `ssohelper demo --desktop` on a display runs the
// desktop app on the emulator with the demo profile, in directories of
// its own; SIGTERM (Ctrl+C) ends the app and the demo cleanly.
func TestDemoDesktop(t *testing.T) {
	display := xvfb(t)
	home := t.TempDir()
	log := newTranscript()
	cmd := exec.Command(ssohelperBinary(t), "-v", "demo", "--desktop")
	cmd.Env = append(scrubbedEnv(), "DISPLAY="+display, "HOME="+home, "PATH="+os.Getenv("PATH"), "XDG_RUNTIME_DIR="+t.TempDir(),
		fmt.Sprintf("%s=%d", envBridgePort, freePorts(t, 1)[0])) // not the user's bridge port

	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); t.Logf("demo log:\n%s", log) })
	p := &desktopProc{t: t, cmd: cmd, log: log, display: display}
	p.waitLog(`sign in in your browser as user "designer"`)
	p.waitLog(`phase="signed out" profile=demo`)
	p.waitLog("window shown")
	p.window("ssohelper — demo")

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the demo ended with %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the demo did not end on SIGTERM")
	}
	if !strings.Contains(log.String(), "Demo finished; its settings and tokens were removed.") {
		t.Errorf("the demo did not say it finished")
	}
	if ents, _ := os.ReadDir(home); len(ents) > 0 {
		t.Errorf("the demo wrote into the home directory: %v", ents)
	}
}
