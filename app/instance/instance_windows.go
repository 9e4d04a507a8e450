//go:build windows

package instance

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// pipePrefix starts the single-instance pipe's name. Named pipes share one
// namespace for the whole machine (every user, every session), so the
// name carries the user; Claim makes the pipe the user's alone.
const pipePrefix = `\\.\pipe\ssohelper-`

// SocketPath is the per-user single-instance named pipe:
// \\.\pipe\ssohelper-<user SID>, or, should the SID not be readable, the
// user name (%USERNAME%) reduced to characters safe in a pipe name.
func SocketPath(getenv func(string) string) string {
	if sid, err := userSID(); err == nil {
		return pipePrefix + sid.String()
	}
	return pipePrefix + pipeSafe(getenv("USERNAME"))
}

// pipeSafe keeps ASCII letters, digits, '-', '_' and '.' of name.
func pipeSafe(name string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" {
		s = "user"
	}
	return s
}

// userSID is the SID of the user this process runs as.
func userSID() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	return u.User.Sid, nil
}

// Instance is this process's claim on the single-instance pipe.
type Instance struct {
	l    net.Listener
	done chan struct{}
}

// Claim makes this process the desktop app of the user: it listens on the
// named pipe path and calls onMessage with each line another launch sends.
// Only the user can open the pipe (its DACL has one entry, the user's
// SID), and remote clients are refused. If another instance answers on the
// pipe, Claim sends it msg (for example "open": raise the window) and
// returns ErrRunning; before sending, it checks that the process serving
// the pipe runs as this user, since any user can create a pipe of any
// free name. A crashed app leaves nothing behind: the pipe goes with its
// last handle. Call Release when the app quits.
//
// Known limit: an app started elevated ("Run as administrator") and a
// launch that is not elevated may not see each other's token; the launch
// then gets an error rather than ErrRunning.
func Claim(path, msg string, onMessage func(string)) (*Instance, error) {
	sid, err := userSID()
	if err != nil {
		return nil, fmt.Errorf("single-instance pipe: reading the user's SID: %w", err)
	}
	// Protected DACL (no inherited entries): generic all for the user alone.
	cfg := &winio.PipeConfig{SecurityDescriptor: "D:P(A;;GA;;;" + sid.String() + ")"}
	for try := range 4 { // two launches at once: one listens, the other then dials
		err := send(path, msg, sid)
		switch {
		case err == nil:
			return nil, ErrRunning
		case errors.Is(err, errNoConfirm) && try < 3:
			// The app took the line but did not answer: ask again.
			time.Sleep(200 * time.Millisecond)
			continue
		case !errors.Is(err, fs.ErrNotExist): // ERROR_FILE_NOT_FOUND: no such pipe
			return nil, fmt.Errorf("single-instance pipe %s: %w", path, err)
		}
		l, err := winio.ListenPipe(path, cfg)
		// The pipe exists after all: creating the first instance of a pipe
		// whose name is in use fails with access denied (or busy, at its
		// instance limit). Another launch was quicker; dial it.
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_PIPE_BUSY) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("single-instance pipe %s: %w", path, err)
		}
		in := &Instance{l: l, done: make(chan struct{})}
		go serve(l, onMessage, in.done)
		return in, nil
	}
	return nil, fmt.Errorf("single-instance pipe %s: another launch keeps taking it", path)
}

// Adopt: the Windows app never switches its program image (see
// LightTraySupported), so no pipe is ever handed over.
func Adopt(uintptr, string, func(string)) (*Instance, error) {
	return nil, errors.New("single-instance pipe: adopting an inherited one is not supported on Windows")
}

// Release stops listening; the pipe goes with the listener's handles.
func (in *Instance) Release() {
	in.l.Close()
	<-in.done
}

// Alive reports whether a desktop app serves the pipe, without telling it
// anything.
func Alive(path string) bool {
	timeout := messageTimeout
	c, err := winio.DialPipe(path, &timeout)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Send hands msg to the desktop app serving the pipe without becoming one:
// ErrNotRunning when none does.
func Send(path, msg string) error {
	sid, err := userSID()
	if err != nil {
		return fmt.Errorf("single-instance pipe: reading the user's SID: %w", err)
	}
	err = send(path, msg, sid)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotRunning
	}
	return err
}

// send hands msg to the instance serving the pipe at path, after checking
// that it runs as the user sid. winio dials with SECURITY_ANONYMOUS, so
// the server cannot impersonate this process either.
func send(path, msg string, sid *windows.SID) error {
	ctx, cancel := context.WithTimeout(context.Background(), messageTimeout)
	defer cancel()
	c, err := winio.DialPipeContext(ctx, path) // retries while every instance is busy
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the pipe stayed busy for %v: %w", messageTimeout, err)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	if err := checkServer(c, sid); err != nil {
		return err
	}
	return exchange(c, msg)
}

// checkServer reports an error unless the process at the server end of
// the pipe c runs as the user sid.
func checkServer(c net.Conn, sid *windows.SID) error {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return fmt.Errorf("cannot check who serves the pipe (%T)", c)
	}
	var pid uint32
	if err := windows.GetNamedPipeServerProcessId(windows.Handle(f.Fd()), &pid); err != nil {
		return fmt.Errorf("finding the process that serves the pipe: %w", err)
	}
	p, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return fmt.Errorf("checking the process that serves the pipe (pid %d): %w", pid, err)
	}
	defer windows.CloseHandle(p)
	var tok windows.Token
	if err := windows.OpenProcessToken(p, windows.TOKEN_QUERY, &tok); err != nil {
		return fmt.Errorf("checking the process that serves the pipe (pid %d): %w", pid, err)
	}
	defer tok.Close()
	u, err := tok.GetTokenUser()
	if err != nil {
		return fmt.Errorf("checking the process that serves the pipe (pid %d): %w", pid, err)
	}
	if !u.User.Sid.Equals(sid) {
		return fmt.Errorf("the pipe is served by another user's process (pid %d)", pid)
	}
	return nil
}
