//go:build !darwin && !windows

package keystore

import (
	"sync"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// Secret Service names (https://specifications.freedesktop.org/secret-service/).
const (
	ssDest       = "org.freedesktop.secrets"
	ssPath       = "/org/freedesktop/secrets"
	ssService    = "org.freedesktop.Secret.Service"
	ssCollection = "org.freedesktop.Secret.Collection"
	// ssSessionClose ends a Secret Service session.
	ssSessionClose = "org.freedesktop.Secret.Session.Close"
	// ssLogin is the collection go-keyring writes to; reading only there
	// keeps both paths on the same item.
	ssLogin = "/org/freedesktop/secrets/collection/login"
)

// ssSecret is the Secret Service's (oayays) secret struct.
type ssSecret struct {
	Session     dbus.ObjectPath
	Params      []byte
	Value       []byte
	ContentType string
}

// fastGet reads one unlocked secret of the login collection with at most
// two D-Bus round trips where go-keyring needs six calls one after another
// (it also unlocks the collection and the item and closes the session):
// SearchItems, with OpenSession on the wire at the same time and only once
// per connection, then GetSecrets. A read of a secret fastGet has found
// before on the same connection goes straight to GetSecrets at the item's
// path, which answers with the item's current value; an item gone since is
// searched for again. It speaks on the process's one session bus
// connection, godbus's shared SessionBus, which go-keyring uses too: a
// process that reads the vault key twice and may store it (a sign-in)
// connects, authenticates and says Hello once. This is also the hot path
// of `ssohelper token`. ok is false when fastGet cannot answer alone, e.g.
// the item is locked and needs go-keyring's unlock prompt: the caller then
// falls back to go-keyring.
func fastGet(service, user string) (value string, ok bool, err error) {
	conn, cerr := dbus.SessionBus()
	if cerr != nil {
		return "", false, nil
	}
	session := plainSession(conn)
	key := [2]string{service, user}
	if item, found := ssItems.get(conn, key); found {
		if v, ok := getSecret(conn, session, item); ok {
			return v, true, nil
		}
		ssItems.forget(conn, key)
	}
	var items []dbus.ObjectPath
	attrs := map[string]string{"service": service, "username": user}
	if conn.Object(ssDest, ssLogin).Call(ssCollection+".SearchItems", 0, attrs).Store(&items) != nil {
		return "", false, nil // no login collection yet: go-keyring creates it
	}
	if len(items) == 0 {
		return "", true, keyring.ErrNotFound
	}
	v, ok := getSecret(conn, session, items[0])
	if ok {
		ssItems.remember(conn, key, items[0])
	}
	return v, ok, nil
}

// getSecret reads the secret of item; ok is false when the service does
// not give it (locked, gone, or the session is no longer known).
func getSecret(conn *dbus.Conn, session *ssSession, item dbus.ObjectPath) (string, bool) {
	path, err := session.wait()
	if err != nil {
		dropSession(conn, session)
		return "", false
	}
	var secrets map[dbus.ObjectPath]ssSecret
	// A locked item fails here; go-keyring then prompts for the unlock.
	if conn.Object(ssDest, ssPath).Call(ssService+".GetSecrets", 0, []dbus.ObjectPath{item}, path).Store(&secrets) != nil {
		dropSession(conn, session) // in case the service forgot it
		return "", false
	}
	s, found := secrets[item]
	return string(s.Value), found
}

// ssItems remembers the item path of each secret fastGet has read, for
// the connection it was read on (a path is only meaningful to the service
// that named it).
var ssItems itemPaths

type itemPaths struct {
	mu    sync.Mutex
	conn  *dbus.Conn
	paths map[[2]string]dbus.ObjectPath
}

func (c *itemPaths) get(conn *dbus.Conn, key [2]string) (dbus.ObjectPath, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.paths[key]
	return p, ok && c.conn == conn
}

func (c *itemPaths) remember(conn *dbus.Conn, key [2]string, p dbus.ObjectPath) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != conn {
		c.conn, c.paths = conn, map[[2]string]dbus.ObjectPath{}
	}
	c.paths[key] = p
}

func (c *itemPaths) forget(conn *dbus.Conn, key [2]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == conn {
		delete(c.paths, key)
	}
}

// Warm connects to the Secret Service and asks for fastGet's session ahead
// of the first read, so that the connection is made while the caller does
// other work (a sign-in loads its configuration meanwhile). It reads and
// writes nothing, never starts a bus (like every call here, it needs one
// to be there), and returns once connected or refused: run it on its own
// goroutine, which then ends.
func (OSKeyring) Warm() {
	if checkSessionBus() != nil {
		return
	}
	if conn, err := dbus.SessionBus(); err == nil {
		plainSession(conn)
	}
}

// ssSession is a "plain" Secret Service session, opened in the background.
type ssSession struct {
	done chan struct{} // closed when the service has answered
	path dbus.ObjectPath
	err  error
}

// wait returns the session once the service has answered.
func (s *ssSession) wait() (dbus.ObjectPath, error) {
	<-s.done
	return s.path, s.err
}

// ssSessions holds the one session fastGet opens per bus connection. The
// service ends a session when its connection closes, so keeping one for
// the connection's life leaks nothing, where one per read would pile up in
// a long-running process.
var ssSessions struct {
	mu   sync.Mutex
	conn *dbus.Conn
	s    *ssSession
}

// plainSession returns the session of conn, asking the service for it
// (without waiting) on first use.
func plainSession(conn *dbus.Conn) *ssSession {
	ssSessions.mu.Lock()
	defer ssSessions.mu.Unlock()
	if ssSessions.conn == conn && ssSessions.s != nil {
		return ssSessions.s
	}
	s := &ssSession{done: make(chan struct{})}
	call := conn.Object(ssDest, ssPath).Go(ssService+".OpenSession", 0, make(chan *dbus.Call, 1), "plain", dbus.MakeVariant(""))
	go func() { // ends with the answer, or when the connection closes
		var out dbus.Variant
		<-call.Done
		s.err = call.Store(&out, &s.path)
		close(s.done)
	}()
	ssSessions.conn, ssSessions.s = conn, s
	return s
}

// dropSession forgets s, so the next read opens a new session, and closes
// it when it was open. The close asks for no answer: nothing waits for it.
func dropSession(conn *dbus.Conn, s *ssSession) {
	ssSessions.mu.Lock()
	if ssSessions.conn == conn && ssSessions.s == s {
		ssSessions.conn, ssSessions.s = nil, nil
	}
	ssSessions.mu.Unlock()
	if path, err := s.wait(); err == nil {
		conn.Object(ssDest, path).Go(ssSessionClose, dbus.FlagNoReplyExpected, nil)
	}
}
