// Package app is the desktop app: the Fyne sign-in window, the tray icon
// that shows who is signed in, and the refresher that keeps tokens fresh,
// all over one Controller and the Backend cmd wires to the same account
// code as the commands.
//
// The app runs as one of two program images of one process. The window
// image (Run) links Fyne's driver loop, which wakes 60 times a second even
// with no window shown. So on Linux, once the window is closed to the tray,
// the process re-executes itself as the tray image (RunTray): the same
// tray menu, refresher and file watcher on D-Bus alone, idle between
// events. Opening the window (tray menu, second launch, link) switches
// back. cmd does the exec; both images keep the single-instance socket.
// A headless build (-tags nogui) never links this package.
package app
