package loopback_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// Ports would be the fixed ports registered in the app client; 0 picks
	// a free one for this example.
	srv, err := loopback.Listen(ctx, loopback.Config{Ports: []int{0}, Path: "/callback"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	// Here the real flow opens the browser at the authorize URL with
	// redirect_uri=srv.RedirectURI(). This stands in for the browser
	// following the identity provider's redirect.
	go func() {
		browser := &http.Client{Timeout: 10 * time.Second}
		resp, err := browser.Get(srv.RedirectURI() + "?code=example-code&state=xyz")
		if err == nil {
			resp.Body.Close()
		}
	}()

	res, err := srv.Wait(ctx, loopback.Expect{State: "xyz", Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Redeem the code and check the tokens here, then tell the browser.
	srv.Finish(nil)
	fmt.Println("got an authorization code:", res.Code != "")
	// Output: got an authorization code: true
}
