//go:build unix

package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ErrRunning means another instance of the desktop app runs for this user;
// Claim handed it the message instead.
var ErrRunning = errors.New("ssohelper is already running")

// Instance limits: a message is one short line, read within a few seconds.
const (
	maxMessage     = 4 << 10
	messageTimeout = 3 * time.Second
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

// Claim makes this process the desktop app of the user: it listens on the
// unix socket at path (mode 0600, in a 0700 directory) and calls onMessage
// with each line another launch sends. If another instance answers on the
// socket, Claim sends it msg (for example "open": raise the window) and
// returns ErrRunning. A socket left by a crashed app (nobody answers) is
// replaced. Call release when the app quits.
func Claim(path, msg string, onMessage func(string)) (release func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("single-instance socket: %w", err)
	}
	for range 3 { // two launches at once: one listens, the other then dials
		if err := send(path, msg); err == nil {
			return nil, ErrRunning
		} else if !stale(err) {
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
		done := make(chan struct{})
		go serve(l, onMessage, done)
		return func() {
			l.Close()
			<-done
			_ = os.Remove(path)
		}, nil
	}
	return nil, fmt.Errorf("single-instance socket %s: another launch keeps taking it", path)
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

// send hands msg to the instance listening on path.
func send(path, msg string) error {
	c, err := net.DialTimeout("unix", path, messageTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(messageTimeout))
	if _, err := io.WriteString(c, msg+"\n"); err != nil {
		return err
	}
	// Wait for the instance's "ok", so the message is known to have arrived.
	line, err := bufio.NewReader(io.LimitReader(c, 16)).ReadString('\n')
	if err != nil || line != "ok\n" {
		return fmt.Errorf("the running instance did not confirm: %w", errors.Join(err, errors.New(strings.TrimSpace(line))))
	}
	return nil
}

// stale reports whether dialling failed because nobody listens.
func stale(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED)
}

// serve answers launches until l closes: one line each, at most maxMessage
// bytes, within messageTimeout.
func serve(l net.Listener, onMessage func(string), done chan<- struct{}) {
	defer close(done)
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(messageTimeout))
			line, err := bufio.NewReader(io.LimitReader(c, maxMessage)).ReadString('\n')
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "ok\n")
			onMessage(strings.TrimSuffix(line, "\n"))
		}()
	}
}
