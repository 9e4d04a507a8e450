//go:build !nogui

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// sessionBus starts a private D-Bus session daemon and returns its address.
func sessionBus(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		realPart(t, "dbus-daemon", err.Error())
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		realPart(t, "dbus-daemon", err.Error())
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon did not print its address: %v", err)
	}
	return strings.TrimSpace(addr)
}

// trayHost plays the desktop's tray host: it owns
// org.kde.StatusNotifierWatcher and records the items that register.
type trayHost struct {
	conn  *dbus.Conn
	mu    sync.Mutex
	items []string // the unique bus names of registered items
	more  chan struct{}
}

func newTrayHost(t testing.TB, addr string) *trayHost {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h := &trayHost{conn: conn, more: make(chan struct{})}
	if err := conn.Export(h, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning the watcher name: %v, %v", reply, err)
	}
	return h
}

// RegisterStatusNotifierItem is the watcher method items call.
func (h *trayHost) RegisterStatusNotifierItem(sender dbus.Sender, _ string) *dbus.Error {
	h.mu.Lock()
	h.items = append(h.items, string(sender))
	close(h.more)
	h.more = make(chan struct{})
	h.mu.Unlock()
	return nil
}

// item waits for the n-th item to register and returns its bus name.
func (h *trayHost) item(t *testing.T, n int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		h.mu.Lock()
		if len(h.items) >= n {
			name := h.items[n-1]
			h.mu.Unlock()
			return name
		}
		more := h.more
		h.mu.Unlock()
		select {
		case <-more:
		case <-ctx.Done():
			t.Fatalf("no tray item registered (%d so far)", n-1)
		}
	}
}

// poll re-checks cond, driven by the app's answers over D-Bus, until it
// holds or a minute passes.
func poll(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	last := ""
	for time.Now().Before(deadline) {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never happened; last seen: %s", what, last)
}

// menuEntry is one entry of a dbusmenu layout.
type menuEntry struct {
	id    int32
	label string
}

// menu reads the item's menu (com.canonical.dbusmenu.GetLayout).
func (h *trayHost) menu(item string) ([]menuEntry, error) {
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	err := h.conn.Object(item, "/StatusNotifierItem/menu").
		Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout)
	if err != nil {
		return nil, err
	}
	var out []menuEntry
	var walk func(children []dbus.Variant)
	walk = func(children []dbus.Variant) {
		for _, c := range children {
			fields, ok := c.Value().([]any)
			if !ok || len(fields) != 3 {
				continue
			}
			id, _ := fields[0].(int32)
			props, _ := fields[1].(map[string]dbus.Variant)
			label, _ := props["label"].Value().(string)
			out = append(out, menuEntry{id, label})
			if kids, ok := fields[2].([]dbus.Variant); ok {
				walk(kids)
			}
		}
	}
	walk(layout.Children)
	return out, nil
}

func labels(m []menuEntry) []string {
	var l []string
	for _, e := range m {
		l = append(l, e.label)
	}
	return l
}

// TestDesktopRealTray runs the desktop app against a tray host on a
// private D-Bus session: the item registers, its title and icon arrive,
// its menu says who is signed in, and clicking "Sign out" in it signs out.
// The app is launched three times, to catch the title/icon race at start:
// first with its window, which Ctrl+W closes so the process continues as
// the tray image, whose "Open window" brings the window image back; then
// twice with --hidden, as at login, straight into the tray image.
func TestDesktopRealTray(t *testing.T) {
	display := xvfb(t)
	for launch := 1; launch <= 3; launch++ {
		t.Run(fmt.Sprintf("launch %d", launch), func(t *testing.T) {
			addr := sessionBus(t)
			host := newTrayHost(t, addr)
			h := newHarness(t, authtest.Options{})
			h.useFileStore()
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")

			env := desktopEnv(t, h, "DBUS_SESSION_BUS_ADDRESS="+addr, "PATH="+os.Getenv("PATH"))
			var app *desktopProc
			item := ""
			if launch == 1 {
				app = startDesktop(t, display, env)
				app.waitLog("window shown")
				item = host.item(t, 1)
				host.checkItem(t, item)
				host.signedInMenu(t, item)
				pid := app.cmd.Process.Pid

				// Ctrl+W: the window closes and the process becomes the
				// tray image, which registers a new item.
				win := app.window("ssohelper — work")
				app.x("xdotool", "windowfocus", "--sync", win, "key", "ctrl+w")
				app.waitLog("running in the tray (no window)")
				item = host.item(t, 2)
				host.checkItem(t, item)
				m := host.signedInMenu(t, item)
				if !slices.Contains(labels(m), "Quit") {
					t.Errorf("the tray image's menu has no Quit: %v", labels(m))
				}
				if fds := openFiles(t, pid); len(fds) > 0 {
					t.Errorf("the tray image inherited descriptors: %v", fds)
				}

				// "Copy token" hands over to the window image, hidden, which
				// puts the platform token on the clipboard.
				host.click(t, item, "Copy token")
				app.waitLog("token copied to the clipboard")
				if got := app.x("xclip", "-o", "-selection", "clipboard"); got != h.loadSession().Token() {
					t.Errorf("the clipboard holds %d bytes, not the platform token", len(got))
				}
				if app.visible("^ssohelper") {
					t.Errorf("copying the token showed the window")
				}
				item = host.item(t, 3)

				// A second launch reaches the app in whatever image it is.
				second := exec.Command(ssohelperBinary(t))
				second.Env = append(env, "DISPLAY="+display)
				if out, err := second.CombinedOutput(); err != nil || !strings.Contains(string(out), "already running") {
					t.Errorf("second launch: %v, %q", err, out)
				}
				app.waitLog("window shown at the request of another launch")
				app.window("ssohelper — work")
				if app.cmd.Process.Pid != pid {
					t.Fatal("the pid changed")
				}
			} else {
				app = startDesktop(t, display, env, "--hidden")
				app.waitLog("running in the tray (no window)")
				item = host.item(t, 1)
				host.checkItem(t, item)
				host.signedInMenu(t, item)
				// A menu rebuilt (here: the token renewed by the command
				// line changes its label) must not click its old entries:
				// systray closes their channels.
				before := h.srv.Counts()
				_, _, _ = runProc(t, env, "", "token", "--min-valid", "24h")
				poll(t, "the menu to show the renewed token", func() (bool, string) {
					m, err := host.menu(item)
					if err != nil {
						return false, err.Error()
					}
					return h.srv.Counts().PlatformRefresh > before.PlatformRefresh && slices.Contains(labels(m), "Sign out"), strings.Join(labels(m), " | ")
				})
				host.signedInMenu(t, item)
				if c := h.srv.Counts(); c.Revoke != 0 || strings.Contains(app.log.String(), `msg="signed out"`) || strings.Contains(app.log.String(), "token copied") {
					t.Fatalf("a menu rebuild acted on its own (revocations %d):\n%s", c.Revoke, app.log)
				}
				if rss := rssKiB(t, app.cmd.Process.Pid); rss > 80<<10 {
					t.Errorf("the tray image uses %d MiB of memory; want at most 80", rss>>10)
				}
			}

			host.click(t, item, "Sign out")
			app.waitLog("signed out")
			poll(t, "the signed-out menu", func() (bool, string) {
				m, err := host.menu(item)
				if err != nil {
					return false, err.Error()
				}
				return slices.Contains(labels(m), "Not signed in (work)"), strings.Join(labels(m), " | ")
			})
			if _, err := os.Stat(filepath.Join(h.dataDir(), sessionFileName)); !os.IsNotExist(err) {
				t.Errorf("the saved sign-in is still there (%v)", err)
			}
			if got := h.srv.Counts().Revoke; got != 1 {
				t.Errorf("revocations = %d; want 1", got)
			}
			// A sign-in on the command line: the running app follows
			// (it watches the saved sign-ins).
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			signedInAt := time.Now()
			defer func() {
				t.Logf("the tray followed the command-line sign-in in %v", time.Since(signedInAt).Round(time.Millisecond))
			}()
			poll(t, "the menu to follow a command-line sign-in", func() (bool, string) {
				m, err := host.menu(item)
				if err != nil {
					return false, err.Error()
				}
				return slices.Contains(labels(m), "Signed in as Dana Designer (work)"), strings.Join(labels(m), " | ")
			})
		})
	}
}

// checkItem waits for the item's title and icon.
func (h *trayHost) checkItem(t *testing.T, item string) {
	t.Helper()
	obj := h.conn.Object(item, "/StatusNotifierItem")
	poll(t, "the title and icon", func() (bool, string) {
		title, err1 := obj.GetProperty("org.kde.StatusNotifierItem.Title")
		icon, err2 := obj.GetProperty("org.kde.StatusNotifierItem.IconPixmap")
		if err1 != nil || err2 != nil {
			return false, fmt.Sprint(err1, err2)
		}
		pix, _ := icon.Value().([][]any)
		return title.Value() == "ssohelper" && len(pix) > 0, fmt.Sprintf("title %v, %d icon sizes", title.Value(), len(pix))
	})
}

// signedInMenu waits for the signed-in menu and returns it.
func (h *trayHost) signedInMenu(t *testing.T, item string) []menuEntry {
	t.Helper()
	var m []menuEntry
	poll(t, "the signed-in menu", func() (bool, string) {
		var err error
		if m, err = h.menu(item); err != nil {
			return false, err.Error()
		}
		l := labels(m)
		for _, w := range []string{"Signed in as Dana Designer (work)", "Refresh now", "Copy token", "Open window", "Sign out", "Quit"} {
			if !slices.Contains(l, w) {
				return false, strings.Join(l, " | ")
			}
		}
		return strings.HasPrefix(l[1], "Platform token: "), strings.Join(l, " | ")
	})
	return m
}

// click clicks the menu entry labelled label (com.canonical.dbusmenu.Event;
// ids change with every menu, so it is found by label).
func (h *trayHost) click(t *testing.T, item, label string) {
	t.Helper()
	m, err := h.menu(item)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m {
		if e.label == label {
			err := h.conn.Object(item, "/StatusNotifierItem/menu").
				Call("com.canonical.dbusmenu.Event", 0, e.id, "clicked", dbus.MakeVariant(""), uint32(0)).Err
			if err != nil {
				t.Fatalf("clicking %s: %v", label, err)
			}
			return
		}
	}
	t.Fatalf("no %q in the menu: %v", label, labels(m))
}

// openFiles lists pid's open files and devices beyond stdin, stdout,
// stderr, its log file and what a tray image started afresh also has open
// (the Go runtime's cgroup files, /dev/null): what the window image's
// graphics stack might leave open across the exec.
func openFiles(t *testing.T, pid int) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil || e.Name() == "0" || e.Name() == "1" || e.Name() == "2" {
			continue
		}
		if strings.HasPrefix(target, "/") && !strings.HasSuffix(target, ".log") &&
			!strings.HasPrefix(target, "/sys/fs/cgroup/") && target != "/dev/null" {
			out = append(out, e.Name()+" -> "+target)
		}
	}
	return out
}

// sessionFileName is profile work's saved sign-in file.
const sessionFileName = "session~work.vault"
