//go:build nogui

package main

import "testing"

// redactionDesktop: the headless build has no desktop app; TestRedaction
// covers the command line there.
func redactionDesktop(*testing.T, *harness, *transcripts) {}
