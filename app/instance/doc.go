// Package instance keeps the desktop app to one per user: the app claims
// a per-user endpoint (a unix socket, a named pipe on Windows), later
// launches and ssohelper:// links hand it one-line messages there, and
// commands such as `token --login` reach it with Send. It needs no GUI
// toolkit, so headless builds use it too.
package instance
