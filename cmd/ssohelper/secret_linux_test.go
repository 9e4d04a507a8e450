package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestSetSecretTerminal runs set-secret on a real pseudo-terminal, as a
// person would: the prompt is shown, the secret typed is never echoed,
// and the secret typed twice is stored.
func TestSetSecretTerminal(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	cmd := exec.Command(ssohelperBinary(t), "--insecure-file-store", "config", "set-secret", "platform")
	cmd.Env = h.procEnv(os.Environ())
	tty, err := pty.Start(cmd)
	if err != nil {
		realPart(t, "a pseudo-terminal", err.Error())
	}
	defer tty.Close()
	screen := newTranscript()
	go func() { _, _ = io.Copy(screen, tty) }()

	const secret = "pl4tform-s3cret"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, prompt := range []string{"(typing is hidden): ", "Type it again to confirm: "} {
		// Type as a person does: once the prompt is shown and the program
		// has turned the terminal's echo off (it prints the prompt first).
		if err := screen.waitFor(ctx, prompt); err != nil {
			t.Fatalf("waiting for %q: %v; screen:\n%s", prompt, err, screen)
		}
		if err := waitEchoOff(ctx, tty); err != nil {
			t.Fatalf("waiting for the terminal echo to be turned off: %v; screen:\n%s", err, screen)
		}
		if _, err := tty.WriteString(secret + "\r"); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("set-secret: %v; screen:\n%s", err, screen)
	}
	if err := screen.waitFor(ctx, "Stored the platform secret"); err != nil {
		t.Fatalf("%v; screen:\n%s", err, screen)
	}
	if strings.Contains(screen.String(), secret) {
		t.Errorf("the secret was echoed on the terminal:\n%s", screen)
	}
	if got, err := h.store().Get(context.Background(), secretName("work", "platform")); string(got) != secret {
		t.Errorf("stored secret = %q, %v; want the typed one", got, err)
	}
}

// waitEchoOff returns when the terminal of pty master m no longer echoes.
func waitEchoOff(ctx context.Context, m *os.File) error {
	for {
		tio, err := unix.IoctlGetTermios(int(m.Fd()), unix.TCGETS)
		if err != nil {
			return err
		}
		if tio.Lflag&unix.ECHO == 0 {
			return nil
		}
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
