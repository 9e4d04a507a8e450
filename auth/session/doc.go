// Package session keeps a signed-in session usable: it hands out the
// cached token while it has time left and otherwise runs the refresh chain
// (platform refresh token, then the identity provider's refresh token and a
// new platform exchange), with exactly one refresher across processes.
//
// The hot path, [Manager.Token] with a valid cached token, reads the store
// once and touches neither the network nor the provider's keys.
package session
