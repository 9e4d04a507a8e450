package main

import (
	"context"
	"io"

	"github.com/pkg/browser"
)

// systemBrowser opens URLs with the desktop's default browser. pkg/browser
// writes the opener's own output to the package-level Stdout/Stderr; both go
// to stderr so stdout stays clean for machines.
type systemBrowser struct{ stderr io.Writer }

// Open starts the browser. It returns when the opener program exits.
func (b *systemBrowser) Open(_ context.Context, url string) error {
	browser.Stdout = b.stderr
	browser.Stderr = b.stderr
	return browser.OpenURL(url)
}
