//go:build !unix

package main

// execHandOff cannot replace the process here (Windows): it returns nil
// and handOff runs the full program as a child instead.
func execHandOff(string, []string) error { return nil }
