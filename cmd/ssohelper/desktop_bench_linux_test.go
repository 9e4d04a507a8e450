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

// BenchmarkDesktopIdle runs the app signed in with its window hidden in
// the tray (--hidden, as at login) for 60 s and reports its CPU use and
// resident memory.
func BenchmarkDesktopIdle(b *testing.B) {
	display := xvfb(b)
	_, env := desktopBenchEnv(b)
	bin := ssohelperBinary(b)
	log := newTranscript()
	cmd := exec.Command(bin, "-v", "--hidden")
	cmd.Env, cmd.Stderr = append(env, "DISPLAY="+display), log
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, line := range []string{"started in the tray, window hidden", `phase="signed in"`} {
		if err := log.waitFor(ctx, line); err != nil {
			b.Fatalf("never logged %q: %v\n%s", line, err, log)
		}
	}
	b.ResetTimer()
	for range b.N {
		before, wall := cpuTime(b, cmd.Process.Pid), time.Now()
		time.Sleep(60 * time.Second)
		used, elapsed := cpuTime(b, cmd.Process.Pid)-before, time.Since(wall)
		b.ReportMetric(100*float64(used)/float64(elapsed), "cpu-%")
	}
	rss := rssKiB(b, cmd.Process.Pid)
	if rss == 0 {
		b.Fatalf("the app is gone\n%s", log)
	}
	b.ReportMetric(float64(rss)/1024, "rss-MB")
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

func rssKiB(b *testing.B, pid int) int {
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
	dir := os.Getenv("SSOHELPER_BENCH_DIR")
	if dir == "" {
		b.Fatal("set SSOHELPER_BENCH_DIR")
	}
	h := newHarness(b, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	if out, err := exec.Command("cp", "-a", h.dir, dir).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v\n%s", err, out)
	}
	base := filepath.Join(dir, filepath.Base(h.dir))
	fmt.Printf("FIXTURE XDG_DATA_HOME=%s SSOHELPER_CONFIG=%s %s=1\n",
		filepath.Join(base, "xdg"), filepath.Join(base, "config.toml"), envFileStore)
	for range b.N {
	}
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
