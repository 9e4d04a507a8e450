package config_test

import (
	"fmt"

	"github.com/ssohelper/ssohelper/auth/config"
)

func Example() {
	f, err := config.Parse([]byte(`
[profiles.work]
user_pool_id = "eu-west-1_AbC123"
client_id = "abcdefghijklmnopqrstuvwxyz"
[profiles.work.platform]
kind = "none"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := f.Profile("") // The only profile.
	fmt.Println(p.IssuerURL())
	fmt.Println(p.RedirectURI(p.RedirectPorts[0]))
	fmt.Println(p.IsCognito())
	// Output:
	// https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123
	// http://localhost:43110/callback
	// true
}

func ExampleProfile_Validate() {
	p := config.Profile{
		Name:     "work",
		Issuer:   "https://login.example.com:443/",
		ClientID: "my-client",
		Platform: config.Platform{Kind: config.KindNone},
	}.WithDefaults()
	fmt.Println(p.Validate())
	// Output:
	// invalid config: profile work: issuer: names the default port :443; write "https://login.example.com" instead (an explicit default port makes URLs differ from what is registered; Cognito then fails with "An error was encountered with the requested page")
}
