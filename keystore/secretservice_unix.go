//go:build !darwin && !windows

package keystore

import (
	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// Secret Service names (https://specifications.freedesktop.org/secret-service/).
const (
	ssDest       = "org.freedesktop.secrets"
	ssPath       = "/org/freedesktop/secrets"
	ssService    = "org.freedesktop.Secret.Service"
	ssCollection = "org.freedesktop.Secret.Collection"
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

// fastGet reads one unlocked secret of the login collection in three D-Bus
// calls (SearchItems, OpenSession, GetSecrets) where go-keyring needs six (it also unlocks the
// collection and the item and closes the session). This is the hot path
// of `ssohelper token`. ok is false when fastGet cannot answer alone, e.g.
// the item is locked and needs go-keyring's unlock prompt: the caller then
// falls back to go-keyring.
func fastGet(service, user string) (value string, ok bool, err error) {
	conn, cerr := dbus.SessionBusPrivate()
	if cerr != nil {
		return "", false, nil
	}
	defer conn.Close()
	if conn.Auth(nil) != nil || conn.Hello() != nil {
		return "", false, nil
	}
	svc := conn.Object(ssDest, ssPath)
	var items []dbus.ObjectPath
	attrs := map[string]string{"service": service, "username": user}
	if conn.Object(ssDest, ssLogin).Call(ssCollection+".SearchItems", 0, attrs).Store(&items) != nil {
		return "", false, nil // no login collection yet: go-keyring creates it
	}
	if len(items) == 0 {
		return "", true, keyring.ErrNotFound
	}
	var out dbus.Variant
	var session dbus.ObjectPath
	if svc.Call(ssService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &session) != nil {
		return "", false, nil
	}
	var secrets map[dbus.ObjectPath]ssSecret
	// A locked item fails here; go-keyring then prompts for the unlock.
	if svc.Call(ssService+".GetSecrets", 0, items[:1], session).Store(&secrets) != nil {
		return "", false, nil
	}
	s, found := secrets[items[0]]
	if !found {
		return "", false, nil
	}
	return string(s.Value), true, nil
}
