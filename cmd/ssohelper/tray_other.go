//go:build !nogui && !linux

package main

// trayHostPresent: Windows and macOS always have a tray (notification
// area, menu bar).
func trayHostPresent(func(string) string) bool { return true }
