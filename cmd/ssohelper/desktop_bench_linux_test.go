//go:build !nogui

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// desktopBenchEnv signs in on the emulator (file store) and returns the
// environment a desktop app process needs, with a tray host on a private
// bus so closing the window hides it.
func desktopBenchEnv(b *testing.B) (*harness, []string) {
	b.Helper()
	addr := sessionBus(b)
	newTrayHost(b, addr)
	h := newHarness(b, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	return h, desktopEnv(b, h, "DBUS_SESSION_BUS_ADDRESS="+addr, "PATH="+os.Getenv("PATH"))
}

// BenchmarkDesktopLaunch is launch to window shown (the app's own log
// line), against starting the headless build for --help as the baseline
// process start, in the same run.
func BenchmarkDesktopLaunch(b *testing.B) {
	display := xvfb(b)
	_, env := desktopBenchEnv(b)
	bin := ssohelperBinary(b)
	nogui := noguiBinary(b)
	var launch, base time.Duration
	for range b.N {
		start := time.Now()
		cmd := exec.Command(nogui, "--help")
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		base += time.Since(start)

		log := newTranscript()
		cmd = exec.Command(bin, "-v")
		cmd.Env, cmd.Stderr = append(env, "DISPLAY="+display), log
		start = time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := log.waitFor(ctx, "window shown")
		launch += time.Since(start)
		cancel()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if err != nil {
			b.Fatalf("no window: %v\n%s", err, log)
		}
	}
	b.ReportMetric(float64(launch.Milliseconds())/float64(b.N), "ms-to-window")
	b.ReportMetric(float64(base.Milliseconds())/float64(b.N), "ms-baseline-start")
	b.ReportMetric(float64(launch)/float64(base), "ratio")
}

// BenchmarkDesktopReopen is the switch from the tray image to the window
// (a second launch asks for it) until the window shows, and back (Ctrl+W)
// until the tray image runs, against a headless process start as the
// baseline, in the same run.
func BenchmarkDesktopReopen(b *testing.B) {
	display := xvfb(b)
	_, env := desktopBenchEnv(b)
	env = append(env, "DISPLAY="+display)
	bin, nogui := ssohelperBinary(b), noguiBinary(b)
	log := newTranscript()
	cmd := exec.Command(bin, "-v", "--hidden")
	cmd.Env, cmd.Stderr = env, log
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	wait := func(text string, n int) {
		if err := log.waitForCount(ctx, text, n); err != nil {
			b.Fatalf("never logged %q %d times: %v\n%s", text, n, err, log)
		}
	}
	wait("running in the tray (no window)", 1)
	x := func(args ...string) string {
		c := exec.Command(args[0], args[1:]...)
		c.Env = env
		out, err := c.Output()
		if err != nil {
			b.Fatalf("%v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	var open, hide, base time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if err := exec.Command(nogui, "--help").Run(); err != nil {
			b.Fatal(err)
		}
		base += time.Since(start)

		start = time.Now()
		second := exec.Command(bin)
		second.Env = env
		if out, err := second.CombinedOutput(); err != nil {
			b.Fatalf("second launch: %v %s", err, out)
		}
		wait("window shown", i+1)
		open += time.Since(start)
		win := strings.Fields(x("xdotool", "search", "--sync", "--onlyvisible", "--name", "^ssohelper — work$"))[0]
		start = time.Now()
		x("xdotool", "windowfocus", "--sync", win, "key", "ctrl+w")
		wait("running in the tray (no window)", i+2)
		hide += time.Since(start)
	}
	b.ReportMetric(float64(open.Milliseconds())/float64(b.N), "ms-to-window")
	b.ReportMetric(float64(hide.Milliseconds())/float64(b.N), "ms-to-tray")
	b.ReportMetric(float64(base.Milliseconds())/float64(b.N), "ms-baseline-start")
	b.ReportMetric(float64(open)/float64(base), "ratio")
}

// BenchmarkDesktopIdle runs the app signed in for 60 s twice at once:
// started --hidden (as at login), which is the tray image (no Fyne), and,
// as the baseline, with its window shown (the window image). It reports
// each one's CPU use and resident memory, and the ratio.
func BenchmarkDesktopIdle(b *testing.B) {
	display := xvfb(b)
	type subject struct {
		name  string
		args  []string
		ready string
		cmd   *exec.Cmd
		log   *transcript
	}
	subjects := []*subject{
		{name: "tray", args: []string{"-v", "--hidden"}, ready: "running in the tray (no window)"},
		{name: "window", args: []string{"-v"}, ready: "window shown"},
	}
	for _, s := range subjects {
		_, env := desktopBenchEnv(b) // each its own sign-in, bus and runtime dir
		s.log = newTranscript()
		s.cmd = exec.Command(ssohelperBinary(b), s.args...)
		s.cmd.Env, s.cmd.Stderr = append(env, "DISPLAY="+display), s.log
		if err := s.cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() }()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		for _, line := range []string{s.ready, `phase="signed in"`} {
			if err := s.log.waitFor(ctx, line); err != nil {
				b.Fatalf("%s: never logged %q: %v\n%s", s.name, line, err, s.log)
			}
		}
		cancel()
	}
	b.ResetTimer()
	for range b.N {
		wall := time.Now()
		before := []time.Duration{cpuTime(b, subjects[0].cmd.Process.Pid), cpuTime(b, subjects[1].cmd.Process.Pid)}
		time.Sleep(60 * time.Second)
		elapsed := time.Since(wall)
		var pct [2]float64
		for i, s := range subjects {
			pct[i] = 100 * float64(cpuTime(b, s.cmd.Process.Pid)-before[i]) / float64(elapsed)
			b.ReportMetric(pct[i], s.name+"-cpu-%")
		}
		b.ReportMetric(pct[0]/pct[1], "cpu-ratio")
	}
	var rss [2]int
	for i, s := range subjects {
		if rss[i] = rssKiB(b, s.cmd.Process.Pid); rss[i] == 0 {
			b.Fatalf("%s: the app is gone\n%s", s.name, s.log)
		}
		b.ReportMetric(float64(rss[i])/1024, s.name+"-rss-MB")
	}
	b.ReportMetric(float64(rss[0])/float64(rss[1]), "rss-ratio")
}

// cpuTime is the user+system CPU time of pid so far.
func cpuTime(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func rssKiB(b testing.TB, pid int) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	return 0
}

// BenchmarkDesktopFixture writes a signed-in profile (file store) for
// scripts/bench.sh to time `ssohelper token` of both builds with hyperfine:
// it prints the environment to use.
func BenchmarkDesktopFixture(b *testing.B) {
	_, base := benchFixture(b, nil)
	fmt.Printf("FIXTURE XDG_DATA_HOME=%s SSOHELPER_CONFIG=%s %s=1\n",
		filepath.Join(base, "xdg"), filepath.Join(base, "config.toml"), envFileStore)
	for range b.N {
	}
}

// benchFixture signs in on the emulator (file store), lets prepare add to
// the store, and copies it all under $SSOHELPER_BENCH_DIR for bench.sh,
// which outlives the harness; it returns the copy's directory.
func benchFixture(b *testing.B, prepare func(*harness)) (*harness, string) {
	b.Helper()
	dir := os.Getenv("SSOHELPER_BENCH_DIR")
	if dir == "" {
		b.Fatal("set SSOHELPER_BENCH_DIR")
	}
	h := newHarness(b, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	if prepare != nil {
		prepare(h)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", h.dir, dir).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v\n%s", err, out)
	}
	return h, filepath.Join(dir, filepath.Base(h.dir))
}

// noguiBinary builds the headless command once.
func noguiBinary(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "ssohelper-nogui")
	cmd := exec.Command("go", "build", "-tags", "nogui", "-o", path, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build -tags nogui: %v\n%s", err, out)
	}
	return path
}
