//go:build !linux

package keystore

import "time"

// Only Linux has a kernel keyring to cache the vault key in.

func kernelCacheGet(string) string                 { return "" }
func kernelCachePut(string, string, time.Duration) {}
func kernelCacheDrop(string)                       {}
