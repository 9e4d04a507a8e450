package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
)

// zeroPortTries is how often a Ports entry of 0 asks the OS for a fresh
// port when the one it got is taken on [::1].
const zeroPortTries = 3

// bind listens on 127.0.0.1:port and [::1]:port. It keeps the IPv4
// listener alone only when the host has no IPv6 loopback; when [::1]:port
// is taken it closes the IPv4 listener and fails, so the caller tries the
// next port. Port 0 asks the OS for a free port. It never binds a wildcard
// address.
func bind(ctx context.Context, port int) (ls []net.Listener, actual int, v6 bool, err error) {
	tries := 1
	if port == 0 {
		tries = zeroPortTries
	}
	for range tries {
		ls, actual, v6, err = bindPair(ctx, port)
		if err == nil {
			return ls, actual, v6, nil
		}
	}
	return nil, 0, false, err
}

func bindPair(ctx context.Context, port int) ([]net.Listener, int, bool, error) {
	var lc net.ListenConfig
	l4, err := lc.Listen(ctx, "tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, 0, false, &bindError{family: "127.0.0.1", err: err}
	}
	actual := l4.Addr().(*net.TCPAddr).Port
	l6, err := lc.Listen(ctx, "tcp6", net.JoinHostPort("::1", strconv.Itoa(actual)))
	switch {
	case err == nil:
		return []net.Listener{l4, l6}, actual, true, nil
	case ipv6Unavailable(err):
		return []net.Listener{l4}, actual, false, nil
	default:
		_ = l4.Close()
		return nil, 0, false, &bindError{family: "[::1]", err: err}
	}
}

// bindError says which loopback address failed to bind.
type bindError struct {
	family string
	err    error
}

func (e *bindError) Error() string { return "listen on " + e.family + ": " + e.err.Error() }
func (e *bindError) Unwrap() error { return e.err }

// reason describes, for people, why a port could not be used, e.g.
// "43110 (in use on [::1])".
func reason(port int, err error) string {
	var be *bindError
	where := ""
	if errors.As(err, &be) && be.family == "[::1]" {
		where = " on [::1]"
	}
	why := "unavailable"
	switch {
	case AddrInUse(err):
		why = "in use"
	case errors.Is(err, os.ErrPermission):
		why = "not permitted"
	}
	return fmt.Sprintf("%d (%s%s)", port, why, where)
}
