//go:build !nogui && linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/bridge"
)

// benchSecret is the paired plugin's secret in the bench fixtures.
const benchSecret = "bench0secret0bench0secret0bench0secret0bench0secret0bench0secre"

// pairBenchPlugin stores a paired plugin with benchSecret, as an approval
// would.
func pairBenchPlugin(b testing.TB, h *harness) {
	b.Helper()
	err := bridgeStore{h.store()}.Save(context.Background(), []bridge.Plugin{{
		ID: "com.example.bench", Name: "Bench", Profile: "work", SecretHash: bridge.HashSecret(benchSecret), PairedAt: time.Now(),
	}})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBridgeFixture writes a signed-in profile with a paired plugin
// (file store) for scripts/bench.sh to load the bridge's token endpoint
// with hey: it prints the environment to use and the plugin's secret.
func BenchmarkBridgeFixture(b *testing.B) {
	h, base := benchFixture(b, func(h *harness) { pairBenchPlugin(b, h) })
	fmt.Printf("FIXTURE XDG_DATA_HOME=%s SSOHELPER_CONFIG=%s %s=1 %s=%s\n",
		filepath.Join(base, "xdg"), filepath.Join(base, "config.toml"), envFileStore, "SSOHELPER_PLATFORM_SECRET", h.env["SSOHELPER_PLATFORM_SECRET"])
	fmt.Printf("SECRET %s\n", benchSecret)
	for range b.N {
	}
}

// BenchmarkBridgePush: 1,000 WebSocket subscribers on a real `ssohelper
// serve`, 20 refreshes forced by another process (`token --min-valid`);
// the delay from each refresh (the saved sign-in's write) to each
// subscriber's receipt of token_refreshed, and serve's memory with the
// 1,000 connections open.
func BenchmarkBridgePush(b *testing.B) {
	const subscribers, refreshes = 1000, 20
	h := newHarness(b, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	pairBenchPlugin(b, h)
	port := freePorts(b, 1)[0]
	env := h.procEnv(scrubbedEnv(), envFileStore+"=1", "SSOHELPER_PLATFORM_SECRET="+h.env["SSOHELPER_PLATFORM_SECRET"],
		"XDG_RUNTIME_DIR="+b.TempDir(), "HOME="+b.TempDir(), "PATH="+os.Getenv("PATH"), fmt.Sprintf("%s=%d", envBridgePort, port))
	serve := exec.Command(ssohelperBinary(b), "serve")
	serve.Env = env
	log := newTranscript()
	serve.Stderr = log
	if err := serve.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = serve.Process.Kill(); _ = serve.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := log.waitFor(ctx, "ssohelper bridge on"); err != nil {
		b.Fatalf("serve: %v\n%s", err, log)
	}
	rssIdle := rssKiB(b, serve.Process.Pid)

	var delays []time.Duration
	got := make(chan time.Time, subscribers*refreshes) // receipt times
	var wg sync.WaitGroup
	url := fmt.Sprintf("ws://127.0.0.1:%d/v1/events", port)
	readCtx, stopReading := context.WithCancel(context.Background()) // no deadline: no timer per read
	defer stopReading()
	ready := make(chan struct{}, subscribers)
	for range subscribers {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.CloseNow()
		if err := wsjson.Write(ctx, c, map[string]string{"type": "auth", "secret": benchSecret}); err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, msg, err := c.Read(readCtx)
				if err != nil {
					return
				}
				now := time.Now()
				switch {
				case bytes.Contains(msg, []byte(`"type":"ready"`)):
					ready <- struct{}{}
				case bytes.Contains(msg, []byte(`"type":"token_refreshed"`)):
					got <- now
				}
			}
		}()
	}
	for range subscribers {
		<-ready
	}
	rssBusy := rssKiB(b, serve.Process.Pid)
	b.ResetTimer()
	for range b.N {
		delays = delays[:0]
		for i := range refreshes {
			before := refreshedAt(h)
			_, _, _ = runProcTB(b, env, "token", "--min-valid", "24h") // renews, then refuses: the token lives 4 h
			at := refreshedAt(h)
			if !at.After(before) {
				b.Fatalf("refresh %d did not write the sign-in", i)
			}
			for range subscribers {
				select {
				case t := <-got:
					delays = append(delays, t.Sub(at))
				case <-ctx.Done():
					b.Fatalf("refresh %d: not every subscriber heard of it", i)
				}
			}
		}
	}
	b.StopTimer()
	slices.Sort(delays)
	p50, p99, worst := delays[len(delays)/2], delays[len(delays)*99/100], delays[len(delays)-1]
	n := len(delays)
	b.ReportMetric(float64(n), "deliveries")
	b.ReportMetric(float64(delays[0].Microseconds())/1000, "min-ms")
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(worst.Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(rssIdle)/1024, "rss-idle-MB")
	b.ReportMetric(float64(rssBusy)/1024, "rss-1000-subs-MB")
	cancel()
}

// refreshedAt is when the saved sign-in was last written (its file's
// modification time): the moment of the refresh.
func refreshedAt(h *harness) time.Time {
	fi, err := os.Stat(filepath.Join(h.dataDir(), sessionFileName))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// runProcTB runs the ssohelper binary (benchmarks).
func runProcTB(b testing.TB, env []string, args ...string) (string, string, int) {
	cmd := exec.Command(ssohelperBinary(b), args...)
	cmd.Env = env
	out, err := cmd.Output()
	_ = err
	return string(out), "", cmd.ProcessState.ExitCode()
}
