package authtest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"golang.org/x/oauth2"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// Example signs in the demo designer through the hosted UI with a Browser and
// redeems the code with golang.org/x/oauth2, as a native app would.
func Example() {
	codes := make(chan string, 1)
	callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		codes <- r.URL.Query().Get("code")
		fmt.Fprintln(w, "You can close this window.")
	}))
	defer callback.Close()
	// Cognito allows plain http only for host localhost.
	redirect := strings.Replace(callback.URL, "127.0.0.1", "localhost", 1) + "/callback"

	client := authtest.DemoClient()
	client.CallbackURLs = []string{redirect}
	s, err := authtest.NewServer(authtest.Options{Clients: []authtest.Client{client}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	conf := oauth2.Config{
		ClientID:    client.ID,
		Endpoint:    oauth2.Endpoint{AuthURL: s.URL() + "/oauth2/authorize", TokenURL: s.URL() + "/oauth2/token"},
		RedirectURL: redirect,
		Scopes:      []string{"openid", "email", "profile"},
	}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("some-state", oauth2.S256ChallengeOption(verifier))

	browser := &authtest.Browser{Username: "designer", Password: "Design-2026!"}
	if err := browser.Open(context.Background(), authURL); err != nil {
		log.Fatal(err)
	}
	tok, err := conf.Exchange(context.Background(), <-codes, oauth2.VerifierOption(verifier))
	if err != nil {
		log.Fatal(err)
	}
	_, hasIDToken := tok.Extra("id_token").(string)
	fmt.Println("token type:", tok.TokenType, "id_token:", hasIDToken, "refresh token:", tok.RefreshToken != "")
	// Output: token type: Bearer id_token: true refresh token: true
}
