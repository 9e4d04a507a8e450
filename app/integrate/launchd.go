package integrate

import (
	"context"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"
)

// launchdLabel names the LaunchAgent (the app's id, as in FyneApp.toml).
const launchdLabel = "io.ssohelper.desktop"

// launchd is macOS: ssohelper:// links are registered by the app bundle's
// Info.plist (CFBundleURLTypes, written at packaging), so Install has only
// the start at login to do: a LaunchAgent in ~/Library/LaunchAgents.
type launchd struct {
	e     Env
	agent string
}

func newLaunchd(e Env) *launchd {
	return &launchd{e: e, agent: filepath.Join(e.Home, "Library", "LaunchAgents", launchdLabel+".plist")}
}

func (l *launchd) Places() []string { return []string{l.agent} }

func (l *launchd) Install(ctx context.Context, autostart bool) error {
	fmt.Fprintln(l.e.Log, "On macOS the app bundle registers ssohelper:// links: move ssohelper.app to Applications and open it once.")
	if autostart {
		return l.SetAutostart(ctx, true)
	}
	return nil
}

func (l *launchd) Remove(context.Context) error { return removeFiles(l.e.Log, l.agent) }

func (l *launchd) Autostart() (bool, error) { return exists(l.agent) }

func (l *launchd) SetAutostart(_ context.Context, on bool) error {
	if !on {
		return removeFiles(l.e.Log, l.agent)
	}
	if err := writeFiles(l.e.Log, map[string][]byte{l.agent: LaunchAgent(l.e.Exe)}); err != nil {
		return err
	}
	fmt.Fprintln(l.e.Log, "ssohelper now starts at login, in the menu bar.")
	return nil
}

// LaunchAgent is the property list that starts exe in the tray at login,
// in the user's graphical session only.
func LaunchAgent(exe string) []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	b.WriteString("\t<key>Label</key>\n\t<string>" + launchdLabel + "</string>\n")
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, arg := range []string{exe, HiddenFlag} {
		b.WriteString("\t\t<string>" + escapeXML(arg) + "</string>\n")
	}
	b.WriteString("\t</array>\n")
	b.WriteString("\t<key>RunAtLoad</key>\n\t<true/>\n")
	b.WriteString("\t<key>LimitLoadToSessionType</key>\n\t<string>Aqua</string>\n")
	b.WriteString("\t<key>ProcessType</key>\n\t<string>Interactive</string>\n")
	b.WriteString("</dict>\n</plist>\n")
	return []byte(b.String())
}

func escapeXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
