// Package account keeps one profile's saved sign-in ([auth.SignIn]) and is
// the one use-case layer that the command line, the desktop app and the
// plugin bridge share:
//
//   - [Manager.SignIn] checks the store can save, runs the interactive
//     sign-in and saves its result;
//   - [Manager.Token] hands out the cached token while it has time left and
//     otherwise runs the refresh chain (platform refresh token, then the
//     identity provider's refresh token and a new platform exchange), with
//     exactly one refresher across processes;
//   - [Manager.SignOut] revokes the refresh token where it was issued, then
//     deletes the saved sign-in.
//
// A saved sign-in is bound to the provider, client and platform that issued
// it ([auth.Binding]); with any other it is neither used nor refreshed.
//
// The hot path, [Manager.Token] with a valid cached token, reads the store
// once and touches neither the network nor the provider's keys.
package account
