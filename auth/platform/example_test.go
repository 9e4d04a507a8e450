package platform_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/ssohelper/ssohelper/auth/platform"
)

func ExampleEncodify_Exchange() {
	// A stand-in platform that refuses the user.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/encode/oauth/token" {
			fmt.Fprint(w, `{"access_token":"app","token_type":"bearer","expires_in":43199}`)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"error":"access_denied","error_description":"User is not allowed"}`)
	}))
	defer srv.Close()

	e := &platform.Encodify{
		BaseURL:         srv.URL + "/encode",
		SiteID:          "36",
		IdP:             "cognito",
		ClientAppID:     "plugin-app",
		ClientAppSecret: "from-the-keyring",
	}
	_, err := e.Exchange(context.Background(), "id-token-from-cognito")
	fmt.Println(errors.Is(err, platform.ErrNotAllowed))
	fmt.Println(err)
	// Output:
	// true
	// platform provision: your account is not allowed on this platform (email domain or user blocked); ask your platform admin (HTTP 403: access_denied: User is not allowed)
}
