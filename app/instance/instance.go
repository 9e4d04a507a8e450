//go:build unix

package instance

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// SocketPath is the per-user single-instance socket: in $XDG_RUNTIME_DIR
// (private to the user by the XDG spec), else in the user cache dir.
func SocketPath(getenv func(string) string) string {
	dir := getenv("XDG_RUNTIME_DIR")
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(cacheDirOr(os.TempDir()), "ssohelper")
	}
	return filepath.Join(dir, "ssohelper.sock")
}

func cacheDirOr(fallback string) string {
	if d, err := os.UserCacheDir(); err == nil {
		return d
	}
	return fallback
}

// Instance is this process's claim on the single-instance socket.
type Instance struct {
	l    *net.UnixListener
	path string
	done chan struct{}
}

// Claim makes this process the desktop app of the user: it listens on the
// unix socket at path (mode 0600, in a 0700 directory) and calls onMessage
// with each line another launch sends. If another instance answers on the
// socket, Claim sends it msg (for example "open": raise the window) and
// returns ErrRunning. A socket left by a crashed app (nobody answers) is
// replaced. Call Release when the app quits.
func Claim(path, msg string, onMessage func(string)) (*Instance, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("single-instance socket: %w", err)
	}
	for try := range 4 { // two launches at once: one listens, the other then dials
		err := send(path, msg)
		switch {
		case err == nil:
			return nil, ErrRunning
		case errors.Is(err, errNoConfirm) && try < 3:
			// The app took the line but did not answer: it is switching
			// between its window and tray processes. Ask again.
			time.Sleep(200 * time.Millisecond)
			continue
		case !stale(err):
			return nil, fmt.Errorf("single-instance socket %s: %w", path, err)
		}
		_ = os.Remove(path) // a crashed app's socket
		l, err := listenPrivate(path)
		if errors.Is(err, syscall.EADDRINUSE) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("single-instance socket %s: %w", path, err)
		}
		return start(l.(*net.UnixListener), path, onMessage), nil
	}
	return nil, fmt.Errorf("single-instance socket %s: another launch keeps taking it", path)
}

// Adopt takes over the socket a previous program image of this process
// listened on (see Inheritable): the switch between the window and the
// tray process keeps the socket, so no launch in between finds it free.
func Adopt(fd uintptr, path string, onMessage func(string)) (*Instance, error) {
	f := os.NewFile(fd, path)
	if f == nil {
		return nil, fmt.Errorf("single-instance socket: inherited descriptor %d is not open", fd)
	}
	defer f.Close()
	l, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("single-instance socket: inherited descriptor %d: %w", fd, err)
	}
	ul, ok := l.(*net.UnixListener)
	if !ok {
		l.Close()
		return nil, fmt.Errorf("single-instance socket: inherited descriptor %d is not a unix socket", fd)
	}
	ul.SetUnlinkOnClose(false)
	return start(ul, path, onMessage), nil
}

func start(l *net.UnixListener, path string, onMessage func(string)) *Instance {
	in := &Instance{l: l, path: path, done: make(chan struct{})}
	go serve(l, onMessage, in.done)
	return in
}

// Release stops listening and removes the socket: the app quits.
func (in *Instance) Release() {
	in.l.Close()
	<-in.done
	_ = os.Remove(in.path)
}

// Inheritable returns a duplicate of the listening socket that survives
// exec, for the next program image to Adopt. Keep the file referenced
// until the exec.
func (in *Instance) Inheritable() (*os.File, error) {
	f, err := in.l.File() // a duplicate, closed on exec
	if err != nil {
		return nil, fmt.Errorf("single-instance socket: %w", err)
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_SETFD, 0); errno != 0 {
		f.Close()
		return nil, fmt.Errorf("single-instance socket: keeping it open across exec: %w", errno)
	}
	return f, nil
}

// listenPrivate listens on path with a socket only the user can open (its
// directory is the user's alone too).
func listenPrivate(path string) (net.Listener, error) {
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false) // release removes it, after serve stops
	return l, nil
}

// Alive reports whether a desktop app listens on path, without telling it
// anything (it drops a connection that sends no line).
func Alive(path string) bool {
	c, err := net.DialTimeout("unix", path, messageTimeout)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Send hands msg to the desktop app listening on path without becoming
// one: ErrNotRunning when none listens.
func Send(path, msg string) error {
	err := send(path, msg)
	if err != nil && stale(err) {
		return ErrNotRunning
	}
	return err
}

// send hands msg to the instance listening on path.
func send(path, msg string) error {
	c, err := net.DialTimeout("unix", path, messageTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	return exchange(c, msg)
}

// stale reports whether dialling failed because nobody listens.
func stale(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED)
}
