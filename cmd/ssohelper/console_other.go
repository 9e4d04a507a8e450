//go:build !windows || nogui

package main

// attachConsole does nothing: this binary is a console program (or not for
// Windows), so its standard streams are already the terminal's.
func attachConsole() {}
