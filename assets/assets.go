// Package assets holds the files ssohelper embeds in its binary: the HTML
// pages the browser shows at the end of sign-in and sign-out, and the app
// icon.
//
// The pages are self-contained: inline CSS, no external resources, and one
// inline script that tries window.close(). Browsers usually refuse to close
// a tab the system opened, so after about 300 ms the page shows "You can
// close this tab now." instead. Everything a caller passes in a [Page] is
// HTML-escaped by html/template.
package assets

//go:generate go run ./internal/genicon -o icon.png
//go:generate go run ./internal/genicon -size 64 -state signedin -o tray-signedin.png
//go:generate go run ./internal/genicon -size 64 -state expiring -o tray-expiring.png
//go:generate go run ./internal/genicon -size 64 -state signedout -o tray-signedout.png
//go:generate go run ./internal/genicon -size 64 -state error -o tray-error.png
//go:generate go run ./internal/genicon -size 64 -state busy -o tray-busy.png

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sync"
)

// Icon is the app icon: a 256x256 PNG.
//
//go:embed icon.png
var Icon []byte

// Tray icons, 64x64 PNGs: the app icon with a status badge.
var (
	//go:embed tray-signedin.png
	TraySignedIn []byte
	//go:embed tray-expiring.png
	TrayExpiring []byte
	//go:embed tray-signedout.png
	TraySignedOut []byte
	//go:embed tray-error.png
	TrayError []byte
	//go:embed tray-busy.png
	TrayBusy []byte
)

//go:embed layout.html success.html failure.html signed-out.html
var pageFS embed.FS

var (
	// Parsed at first use, not at start: most commands show no page.
	successTmpl   = sync.OnceValue(func() *template.Template { return parsePage("success.html") })
	failureTmpl   = sync.OnceValue(func() *template.Template { return parsePage("failure.html") })
	signedOutTmpl = sync.OnceValue(func() *template.Template { return parsePage("signed-out.html") })
)

// Page is the text one page shows. Title is the heading, Message the main
// sentence and Hint an optional line of advice below it. Pages MUST NOT carry
// an authorization code, token or other secret: they end up in the browser's
// history and screenshots.
type Page struct {
	Title   string
	Message string
	Hint    string
}

// RenderSuccess writes the success page, for example Title "Signed in" and
// Message "Signed in. You can return to Photoshop."
func RenderSuccess(w io.Writer, p Page) error {
	return render(w, successTmpl(), p)
}

// RenderFailure writes the failure page with a human message. It never
// shows an error code from the wire unless the caller puts one in p.
func RenderFailure(w io.Writer, p Page) error {
	return render(w, failureTmpl(), p)
}

// RenderSignedOut writes the page shown after the identity provider's
// logout endpoint redirects back to ssohelper.
func RenderSignedOut(w io.Writer) error {
	return render(w, signedOutTmpl(), Page{Title: "Signed out"})
}

func render(w io.Writer, t *template.Template, p Page) error {
	if err := t.ExecuteTemplate(w, "layout", p); err != nil {
		return fmt.Errorf("assets: render %s: %w", t.Name(), err)
	}
	return nil
}

func parsePage(name string) *template.Template {
	return template.Must(template.New(name).ParseFS(pageFS, "layout.html", name))
}
