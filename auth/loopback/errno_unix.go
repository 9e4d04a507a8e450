//go:build !windows

package loopback

import (
	"errors"
	"syscall"
)

// ipv6Unavailable reports whether a [::1] bind failed because the host has
// no IPv6 loopback (IPv6 disabled or not compiled in).
func ipv6Unavailable(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT)
}

// AddrInUse reports whether a bind failed because another socket holds the
// address.
func AddrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE)
}
