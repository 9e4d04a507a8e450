package integrate

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ssohelper/ssohelper/assets"
)

// xdg registers the app with XDG desktop files: an application entry
// whose Exec line both starts the app and handles ssohelper:// links, the
// icon, and an autostart entry.
type xdg struct {
	e                            Env
	apps, entry, icon, autostart string
}

func newXDG(e Env) *xdg {
	data := e.Getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(data) {
		data = filepath.Join(e.Home, ".local", "share")
	}
	cfg := e.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(cfg) {
		cfg = filepath.Join(e.Home, ".config")
	}
	apps := filepath.Join(data, "applications")
	return &xdg{
		e:         e,
		apps:      apps,
		entry:     filepath.Join(apps, "ssohelper.desktop"),
		icon:      filepath.Join(data, "icons", "hicolor", "256x256", "apps", "ssohelper.png"),
		autostart: filepath.Join(cfg, "autostart", "ssohelper.desktop"),
	}
}

func (x *xdg) Places() []string { return []string{x.entry, x.icon, x.autostart} }

func (x *xdg) Install(ctx context.Context, autostart bool) error {
	err := writeFiles(x.e.Log, map[string][]byte{
		x.entry: []byte(DesktopEntry(x.e.Exe, "%u", false)),
		x.icon:  assets.Icon,
	})
	if err != nil {
		return err
	}
	// Make ssohelper the handler of ssohelper:// links; refresh the menu.
	x.e.runTool(ctx, "xdg-mime", "default", "ssohelper.desktop", "x-scheme-handler/ssohelper")
	x.e.runTool(ctx, "update-desktop-database", x.apps)
	if autostart {
		return x.SetAutostart(ctx, true)
	}
	return nil
}

func (x *xdg) Remove(ctx context.Context) error {
	err := removeFiles(x.e.Log, x.entry, x.icon, x.autostart)
	x.e.runTool(ctx, "update-desktop-database", x.apps)
	return err
}

func (x *xdg) Autostart() (bool, error) { return exists(x.autostart) }

func (x *xdg) SetAutostart(_ context.Context, on bool) error {
	if !on {
		return removeFiles(x.e.Log, x.autostart)
	}
	if err := writeFiles(x.e.Log, map[string][]byte{x.autostart: []byte(DesktopEntry(x.e.Exe, HiddenFlag, true))}); err != nil {
		return err
	}
	fmt.Fprintln(x.e.Log, "ssohelper now starts at login, in the tray.")
	return nil
}

// DesktopEntry is an XDG desktop entry that runs exe with arg (%u: the
// link the desktop hands over, if any).
func DesktopEntry(exe, arg string, autostart bool) string {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\nType=Application\nName=ssohelper\nGenericName=Sign-in helper\n")
	b.WriteString("Comment=Signs you in to your creative tools' platform and keeps the sign-in fresh\n")
	fmt.Fprintf(&b, "Exec=%s %s\n", quoteExec(exe), arg)
	b.WriteString("Icon=ssohelper\nTerminal=false\nCategories=System;Security;\nStartupWMClass=ssohelper\n")
	if autostart {
		b.WriteString("X-GNOME-Autostart-enabled=true\n")
	} else {
		b.WriteString("MimeType=x-scheme-handler/ssohelper;\n")
	}
	return b.String()
}

// quoteExec quotes a path for an Exec key when it has a reserved
// character (Desktop Entry spec: double quotes, with ", `, $ and \
// escaped, and \ doubled once more for the string-value escaping). A
// plain path stays bare: xdg-open before xdg-utils 1.2 (Debian 12) cannot
// run a quoted one.
func quoteExec(s string) string {
	s = strings.ReplaceAll(s, "%", "%%") // a literal %, not a field code
	if !strings.ContainsAny(s, " \t\n\"'\\><~|&;$*?#()`") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`)
	return `"` + r.Replace(s) + `"`
}
