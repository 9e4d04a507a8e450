// Package loopback catches the OAuth 2.0 authorization response on a
// loopback HTTP server, following RFC 8252 section 7.3 as far as Amazon
// Cognito allows.
//
// Cognito matches callback URLs exactly, port included, and allows plain
// http only for the host name "localhost". So the server tries a short,
// fixed list of ports (each registered in the app client as
// http://localhost:<port><path>) and, for the first free one, listens on
// 127.0.0.1 and [::1] together, because a browser may resolve localhost to
// either. It never listens on all interfaces.
//
// Guards:
//   - The Host header MUST name a loopback host with the server's port
//     (localhost, 127.0.0.1 or [::1]); anything else gets 400. This defeats
//     DNS rebinding.
//   - The state parameter is compared in constant time with the expected
//     value; a callback without the right state gets an error page and is
//     otherwise ignored, so a web page or another local user hitting the
//     port can neither complete nor end the sign-in. When the response
//     carries iss (RFC 9207) it MUST equal the expected issuer.
//   - Only the first request to the callback path that carries code or
//     error counts. Later ones get a "this sign-in is already finished" page.
//   - The authorization code, the state and the query string are never
//     logged or put in an error message.
//
// Typical use:
//
//	srv, err := loopback.Listen(ctx, loopback.Config{Ports: []int{43110, 43111}, Path: "/callback"})
//	if err != nil { ... }
//	defer srv.Close()
//	// build the authorize URL with srv.RedirectURI(), open the browser
//	res, err := srv.Wait(ctx, loopback.Expect{State: state, Issuer: issuer})
//	// redeem res.Code, verify the tokens, ...
//	srv.Finish(nil) // or a failure page: the browser waits for this
//
// The browser of an accepted callback is answered only by Finish (or, after
// two minutes or on Close, with a neutral "sign-in received" page), so the
// tab shows how the whole sign-in ended, not merely that a code arrived.
package loopback
