package instance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// The single-instance protocol, the same on every system (a unix socket,
// a Windows named pipe): a launch writes one line, the message, and waits
// for the running instance's "ok\n".

// ErrRunning means another instance of the desktop app runs for this user;
// Claim handed it the message instead.
var ErrRunning = errors.New("ssohelper is already running")

// ErrNotRunning means no desktop app listens for this user (Send).
var ErrNotRunning = errors.New("the ssohelper desktop app is not running")

// errNoConfirm: the instance accepted a message but did not answer "ok".
var errNoConfirm = errors.New("the running instance did not confirm")

// Instance limits: a message is one short line, read within a few seconds.
const (
	maxMessage     = 4 << 10
	messageTimeout = 3 * time.Second
)

// exchange hands msg to the instance at the other end of c and waits for
// its "ok", so the message is known to have arrived.
func exchange(c net.Conn, msg string) error {
	_ = c.SetDeadline(time.Now().Add(messageTimeout))
	if _, err := io.WriteString(c, msg+"\n"); err != nil {
		return err
	}
	line, err := bufio.NewReader(io.LimitReader(c, 16)).ReadString('\n')
	if err != nil || line != "ok\n" {
		return fmt.Errorf("%w: %w", errNoConfirm, errors.Join(err, errors.New(strings.TrimSpace(line))))
	}
	return nil
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
