// Command signin-browser is the scripted browser of scripts/bench-signin.sh:
// it plays the user of a sign-in on an OpenID provider's plain HTML pages
// (oidc-provider's development login and consent pages), the same way for
// every sign-in tool it is handed to.
//
//	signin-browser URL
//
// It opens URL with a cookie jar, follows redirects, and submits the first
// POST form of each page it lands on, filling the fields named "login" and
// "password" from SIGNIN_LOGIN and SIGNIN_PASSWORD (default "bench-user"
// and "any-password") and keeping every other field's value, until a page
// without a form answers: the sign-in tool's loopback callback. It exits 0
// when that last answer is a 2xx, else 1, saying why on stderr. It never
// prints what it was sent.
package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// maxForms bounds the pages submitted (login, consent, and a few spare).
const maxForms = 8

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: signin-browser URL")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "signin-browser:", err)
		os.Exit(1)
	}
}

func run(start string) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	fill := map[string]string{
		"login":    envOr("SIGNIN_LOGIN", "bench-user"),
		"password": envOr("SIGNIN_PASSWORD", "any-password"),
	}
	resp, err := c.Get(start)
	for range maxForms {
		if err != nil {
			return err
		}
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if rerr != nil {
			return rerr
		}
		f, ok := findForm(body, resp.Request.URL)
		if !ok {
			if resp.StatusCode/100 != 2 {
				return fmt.Errorf("the sign-in ended at %s with HTTP %d", resp.Request.URL.Redacted(), resp.StatusCode)
			}
			return nil
		}
		for k := range f.values {
			if v, ok := fill[k]; ok {
				f.values.Set(k, v)
			}
		}
		resp, err = c.PostForm(f.action, f.values)
	}
	if err == nil {
		resp.Body.Close()
	}
	return errors.New("too many forms")
}

// form is a POST form: where it goes and its fields.
type form struct {
	action string
	values url.Values
}

// findForm returns the first POST form of page, its action resolved
// against base.
func findForm(page []byte, base *url.URL) (form, bool) {
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		return form{}, false
	}
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == "form" && strings.EqualFold(attr(n, "method"), "post") {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		return form{}, false
	}
	action, err := base.Parse(attr(found, "action"))
	if err != nil {
		return form{}, false
	}
	f := form{action: action.String(), values: url.Values{}}
	var inputs func(*html.Node)
	inputs = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") != "" {
			f.values.Set(attr(n, "name"), attr(n, "value"))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			inputs(c)
		}
	}
	inputs(found)
	return f, true
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
