//go:build gui_deps

package app

// Keeps the chosen Fyne release pinned in go.mod (go mod tidy reads files of
// every build tag) until the GUI code imports it for real.
import _ "fyne.io/fyne/v2"
