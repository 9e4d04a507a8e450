// Package app will hold the desktop GUI: the Fyne sign-in window and the
// tray icon that shows who is signed in and keeps tokens fresh. It is not
// built yet; the headless commands in cmd/ssohelper work without it, and a
// headless build (CGO_ENABLED=0) must never need it.
package app
