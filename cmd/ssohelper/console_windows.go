//go:build windows && !nogui

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uint32(0)

// procAttachConsole is kernel32's AttachConsole (golang.org/x/sys/windows
// has no wrapper for it).
var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// replacedStdio keeps the *os.File values attachConsole replaced: their
// finalizers would otherwise close the handles they wrap.
var replacedStdio []*os.File

// attachConsole, when the arguments ask for a subcommand (not the desktop
// app, not an ssohelper:// link), attaches the process to its parent's
// console, if the parent has one, and points os.Stdin, os.Stdout and
// os.Stderr at it. A stream the user redirected (`ssohelper token >
// file`, a pipe, NUL) stays as it is. Call it first in main, before
// anything uses os.Stdin, os.Stdout or os.Stderr.
//
// Why: the desktop build for Windows is linked with -ldflags -H=windowsgui
// (the GUI subsystem), so starting it from Explorer, a shortcut, the Run
// key or an ssohelper:// link opens no console window. Such a program
// starts without a console, though, and a subcommand run from a terminal
// would print nothing.
//
// Known limit of the GUI subsystem: shells do not always wait for such a
// program, so output can come after the prompt and the exit code go
// unread. (The process's exit code itself is always run's.)
//
//   - cmd.exe at its prompt does not wait: the prompt returns at once, the
//     output appears after it (press Enter for a fresh prompt),
//     %ERRORLEVEL% is not ssohelper's, and cmd.exe and ssohelper both read
//     the keyboard, so prompts (secrets, sign-in) are unreliable. Use
//     `start /wait ssohelper token`: it waits and sets %ERRORLEVEL%. In a
//     .cmd or .bat script, cmd.exe waits by itself.
//   - PowerShell does not wait either when the output goes to the console
//     (`ssohelper token`, `& ssohelper token`), and leaves $LASTEXITCODE
//     as it was. It waits, and sets $LASTEXITCODE, when it takes the
//     output (`$t = ssohelper token`, `ssohelper token | Write-Output`);
//     or use `Start-Process ssohelper -ArgumentList token -NoNewWindow
//     -Wait -PassThru` and the result's ExitCode.
//   - Once attached, the process gets the console's Ctrl+C and close
//     events (Go delivers them as os.Interrupt and SIGTERM): the desktop
//     app started from a terminal with a flag (`ssohelper --hidden`)
//     quits when that terminal closes.
//
// Scripts and tools should use the console build (-tags nogui: a console
// program without the desktop app), which every shell waits for.
func attachConsole() {
	if len(os.Args) < 2 || isLink(os.Args[1]) {
		return // the desktop app, or a link for it: no console
	}
	streams := []struct {
		std    uint32    // STD_*_HANDLE
		file   **os.File // the os variable
		device string    // what to open on the console
		orig   windows.Handle
	}{
		{std: windows.STD_INPUT_HANDLE, file: &os.Stdin, device: "CONIN$"},
		{std: windows.STD_OUTPUT_HANDLE, file: &os.Stdout, device: "CONOUT$"},
		{std: windows.STD_ERROR_HANDLE, file: &os.Stderr, device: "CONOUT$"},
	}
	// The handles the process started with (what the os variables wrap),
	// read before AttachConsole: it may replace the standard handles with
	// new console handles, redirected ones included.
	for i := range streams {
		streams[i].orig, _ = windows.GetStdHandle(streams[i].std)
	}
	if procAttachConsole.Find() != nil {
		return
	}
	if r, _, _ := procAttachConsole.Call(uintptr(attachParentProcess)); r == 0 {
		return // the parent has no console (Explorer, a shortcut): keep quiet
	}
	for _, s := range streams {
		if redirected(s.orig) {
			_ = windows.SetStdHandle(s.std, s.orig) // undo AttachConsole's replacement
			continue
		}
		h, err := openConsole(s.device)
		if err != nil {
			continue
		}
		_ = windows.SetStdHandle(s.std, h) // for GetStdHandle users
		replacedStdio = append(replacedStdio, *s.file)
		*s.file = os.NewFile(uintptr(h), (*s.file).Name()) // a console file: os writes UTF-16 to it
	}
}

// redirected reports whether h, a standard handle the process started
// with, is where the user sent the stream: a file, a pipe, or a character
// device that is not a console (NUL). A console handle, an empty or a
// stale one is not. Call it after AttachConsole: a console handle answers
// GetConsoleMode only while the process is attached to its console.
func redirected(h windows.Handle) bool {
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	if err != nil {
		return false
	}
	switch t {
	case windows.FILE_TYPE_DISK, windows.FILE_TYPE_PIPE:
		return true
	case windows.FILE_TYPE_CHAR:
		var mode uint32
		return windows.GetConsoleMode(h, &mode) != nil
	}
	return false
}

// openConsole opens CONIN$ or CONOUT$ of the attached console for reading
// and writing (setting the console mode, as a password prompt does, needs
// both), not inheritable.
func openConsole(device string) (windows.Handle, error) {
	name, err := windows.UTF16PtrFromString(device)
	if err != nil {
		return windows.InvalidHandle, err
	}
	return windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
}
