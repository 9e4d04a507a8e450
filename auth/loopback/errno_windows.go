//go:build windows

package loopback

import (
	"errors"
	"syscall"
)

// Winsock error numbers; package syscall has no names for them.
const (
	wsaeacces        syscall.Errno = 10013 // also: port in an excluded (reserved) range
	wsaeafnosupport  syscall.Errno = 10047
	wsaeaddrinuse    syscall.Errno = 10048
	wsaeaddrnotavail syscall.Errno = 10049
)

// ipv6Unavailable reports whether a [::1] bind failed because the host has
// no IPv6 loopback.
func ipv6Unavailable(err error) bool {
	return errors.Is(err, wsaeaddrnotavail) || errors.Is(err, wsaeafnosupport)
}

// AddrInUse reports whether a bind failed because another socket holds the
// address or Windows reserves the port (WSAEACCES for excluded port ranges).
func AddrInUse(err error) bool {
	return errors.Is(err, wsaeaddrinuse) || errors.Is(err, wsaeacces)
}
