package app

import (
	"fmt"
	"strings"
)

// Image is the program image the desktop app asks to continue in.
type Image int

const (
	ImageQuit   Image = iota // the user quit: exit
	ImageWindow              // Run: the Fyne window (and tray)
	ImageTray                // RunTray: the light tray process
)

// What the window image does first when the tray image hands over to it.
// A handover comes from this process's own earlier image (through the
// environment of an exec), never from another launch: only a user's click
// in the tray asks for a sign-in or a copy.
const (
	StartOpen   = "open"   // show the window
	StartSignIn = "signin" // show the window and start the sign-in
	StartCopy   = "copy"   // copy the token, window hidden; back to the tray after
)

// Handover is how an image ends: quit, or continue as another image
// starting with Start (StartOpen, StartSignIn, StartCopy, or a checked
// message from another launch such as "login work").
type Handover struct {
	To    Image
	Start string
}

// String is the handover's form in the environment (see ParseHandover).
func (h Handover) String() string {
	switch h.To {
	case ImageWindow:
		return "window:" + h.Start
	case ImageTray:
		return "tray"
	}
	return ""
}

// ParseHandover reads a Handover written by String.
func ParseHandover(s string) (Handover, error) {
	if s == "tray" {
		return Handover{To: ImageTray}, nil
	}
	if start, ok := strings.CutPrefix(s, "window:"); ok {
		switch start {
		case StartOpen, StartSignIn, StartCopy:
		default:
			if _, err := parseMessage(start); err != nil {
				return Handover{}, fmt.Errorf("handover %q: %w", s, err)
			}
		}
		return Handover{To: ImageWindow, Start: start}, nil
	}
	return Handover{}, fmt.Errorf("handover %q: want tray or window:<start>", s)
}
