package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// Crash safety: a real `ssohelper` command (this test binary running the
// command's own code in a child process) is killed with SIGKILL at points
// chosen from its own progress, during a sign-in's save, a refresh and a
// sign-out. After every kill the stored sign-in is the old one or a new
// one, whole (never corrupt, never gone while it held a sign-in), and its
// refresh token is still honoured by the provider unless the sign-out had
// revoked it.
//
// The child reports every step on stdout, numbered: each HTTP request
// sent and its answer read whole, each keyring call, each debug log line
// (-v: "keystore: put" means a save is on disk). Half of the kills stop
// the child at one chosen step (it blocks there until killed), so every
// step of the operation is hit on any machine, fast or slow; the other
// half land a random time into the operation, also inside steps (in the
// middle of an atomic write, say). That time is measured from the child's
// own progress: in a first, unkilled run, then in every run that ended
// before its kill.

// envCrashChild holds the crashSpec of the child process.
const envCrashChild = "SSOHELPER_CRASH_CHILD"

// envCrashTrials raises (or lowers) the kills per operation; default 100.
const envCrashTrials = "SSOHELPER_CRASH_TRIALS"

// crashSpec tells the child what to run and where to stop.
type crashSpec struct {
	Args []string `json:"args"`
	// PauseAt is the number of the step at which the child stops and
	// waits to be killed; -1: it runs to the end.
	PauseAt int `json:"pause_at"`
	// PauseOn, when set, stops the child at its first step with this
	// label instead.
	PauseOn string `json:"pause_on,omitempty"`
	// Resume makes a stopped child go on once SIGTERM or SIGINT arrived
	// (they cancel the command's context, as in main).
	Resume bool `json:"resume,omitempty"`
}

// TestCrashHelper is the child process of the crash tests: it runs one
// command of ssohelper with its progress reported on stdout. It does
// nothing in a normal test run.
func TestCrashHelper(t *testing.T) {
	raw := os.Getenv(envCrashChild)
	if raw == "" {
		return // only the child process started by crashOp does work here
	}
	var spec crashSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := &progress{w: os.Stdout, pauseAt: spec.PauseAt, pauseOn: spec.PauseOn}
	if spec.Resume {
		p.resume = ctx.Done()
	}
	dir := dataDir()
	env := &Env{
		Stdin:   strings.NewReader(""),
		Stdout:  io.Discard,
		Stderr:  &progressLog{p: p},
		Getenv:  os.Getenv,
		HTTP:    &http.Client{Timeout: 20 * time.Second, Transport: progressTransport{p, http.DefaultTransport}},
		Now:     time.Now,
		Opener:  goBrowser("designer", "Design-2026!"),
		Keyring: progressKeyring{p, keystore.NewFileKeyring(filepath.Join(dir, "vault.key"))},
		DataDir: dir,
	}
	p.step("start")
	code := run(ctx, append([]string{"-v"}, spec.Args...), env)
	p.step(fmt.Sprintf("exit %d", code))
}

// progress numbers and prints the child's steps, one a line, and stops
// the child at step pauseAt (or the first labelled pauseOn): for good, or
// until resume is closed.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	n       int
	pauseAt int
	pauseOn string
	paused  bool
	resume  <-chan struct{}
}

func (p *progress) step(label string) {
	p.mu.Lock()
	n := p.n
	p.n++
	fmt.Fprintf(p.w, "%d %s\n", n, label)
	pause := !p.paused && (n == p.pauseAt || p.pauseOn != "" && label == p.pauseOn)
	p.paused = p.paused || pause
	p.mu.Unlock()
	if pause {
		<-p.resume // nil: blocks until the parent's SIGKILL
	}
}

// progressTransport reports each request when it is sent and when its
// answer has been read to the end (or closed). Only the method and path:
// queries and bodies carry codes and tokens.
type progressTransport struct {
	p    *progress
	base http.RoundTripper
}

func (t progressTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	what := r.Method + " " + r.URL.Path
	t.p.step("http> " + what)
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		t.p.step("http! " + what)
		return nil, err
	}
	resp.Body = &progressBody{ReadCloser: resp.Body, done: func() { t.p.step(fmt.Sprintf("http< %d %s", resp.StatusCode, what)) }}
	return resp, nil
}

// progressBody calls done once, at the body's end or close.
type progressBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *progressBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// progressKeyring reports each keyring call before and after it.
type progressKeyring struct {
	p  *progress
	kr keystore.Keyring
}

func (k progressKeyring) Get(service, user string) (string, error) {
	k.p.step("keyring> get " + user)
	v, err := k.kr.Get(service, user)
	k.p.step("keyring< get " + user)
	return v, err
}

func (k progressKeyring) Set(service, user, password string) error {
	k.p.step("keyring> set " + user)
	err := k.kr.Set(service, user, password)
	k.p.step("keyring< set " + user)
	return err
}

func (k progressKeyring) Delete(service, user string) error {
	k.p.step("keyring> delete " + user)
	err := k.kr.Delete(service, user)
	k.p.step("keyring< delete " + user)
	return err
}

// progressLog turns the command's stderr into steps: each debug log line
// by its message, every other line (messages for people) as "say".
type progressLog struct {
	p   *progress
	mu  sync.Mutex
	buf []byte
}

func (l *progressLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := string(l.buf[:i])
		l.buf = l.buf[i+1:]
		if _, msg, ok := strings.Cut(line, " msg="); ok && strings.Contains(line, "level=DEBUG") {
			if m, err := strconv.QuotedPrefix(msg); err == nil {
				msg, _ = strconv.Unquote(m)
			} else {
				msg, _, _ = strings.Cut(msg, " ")
			}
			l.p.step("log " + msg)
		} else {
			l.p.step("say")
		}
	}
}

// crashEvent is one step the child reported.
type crashEvent struct {
	n     int
	label string
	at    time.Time
}

// crashChild is one started child process.
type crashChild struct {
	cmd    *exec.Cmd
	events <-chan crashEvent
}

// startCrashChild starts the child running args with env, stopping at
// step pauseAt (-1: never).
func startCrashChild(t *testing.T, env []string, args []string, pauseAt int) *crashChild {
	t.Helper()
	return startChild(t, env, crashSpec{Args: args, PauseAt: pauseAt})
}

// startChild starts the child with spec.
func startChild(t *testing.T, env []string, s crashSpec) *crashChild {
	t.Helper()
	spec, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(slices.Clone(env), envCrashChild+"="+string(spec), "GORACE=atexit_sleep_ms=0")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	events := make(chan crashEvent, 256)
	go func() { // exits at EOF: the child exited or was killed
		defer close(events)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			num, label, _ := strings.Cut(sc.Text(), " ")
			n, err := strconv.Atoi(num)
			if err != nil {
				continue // the test framework's own lines (PASS)
			}
			events <- crashEvent{n: n, label: label, at: time.Now()}
		}
	}()
	return &crashChild{cmd: cmd, events: events}
}

// wait reads every step until the child is gone.
func (c *crashChild) wait() []crashEvent {
	var evs []crashEvent
	for ev := range c.events {
		evs = append(evs, ev)
	}
	_ = c.cmd.Wait() // a killed child's error is expected
	return evs
}

// crashOp is one operation under test: how to prepare the store before
// each kill, what counts as its critical window, and how to check and
// recover after the kill.
type crashOp struct {
	name string
	opts authtest.Options
	args []string
	// prepare brings the store to the state the operation starts from
	// and reports whether it then holds a sign-in.
	prepare func(t *testing.T, h *harness, trial int) bool
	// focus is the label of the step where the interesting part begins;
	// the kills land from there to the end. "": from the start.
	focus string
	// window reports whether the last step the child reported lies in
	// the critical window: the provider's or platform's work is done
	// (a token issued, rotated or revoked) and not yet saved.
	window func(evs []crashEvent) bool
	// check runs after each kill, recover after each check.
	check   func(t *testing.T, h *harness, c crashCheck)
	recover func(t *testing.T, h *harness)
}

// crashCheck is what a check knows about one kill.
type crashCheck struct {
	trial  int
	held   bool         // the store held a sign-in before the child started
	old    []byte       // its value then
	oldS   *auth.SignIn // decoded
	last   string       // the last step the child reported
	window bool
}

// TestCrashSignInSave kills a sign-in between the code exchange and the
// end of its save, over a stored sign-in and (every fourth trial) over an
// empty store. After each kill the store holds the old sign-in, byte for
// byte, or the new one whole; an empty store only where it was empty.
func TestCrashSignInSave(t *testing.T) {
	t.Parallel() // each has its own emulator, ports and store
	runCrash(t, crashOp{
		name: "sign-in save",
		args: []string{"login"},
		prepare: func(t *testing.T, h *harness, trial int) bool {
			if trial%4 == 0 {
				if err := h.store().Delete(context.Background(), account.Name("work")); err != nil {
					t.Fatal(err)
				}
				return false
			}
			if _, err := h.store().Get(context.Background(), account.Name("work")); errors.Is(err, keystore.ErrNotFound) {
				h.mustRunFile(t, "login")
			}
			return true
		},
		focus: "http> POST /oauth2/token",
		window: func(evs []crashEvent) bool {
			return after(evs, "provisionByOpenIdToken", "http< 200") && !seen(evs, "log keystore: put")
		},
		check: func(t *testing.T, h *harness, c crashCheck) {
			v, err := h.store().Get(context.Background(), account.Name("work"))
			switch {
			case errors.Is(err, keystore.ErrNotFound) && !c.held:
				return // empty before, empty now
			case err != nil:
				t.Fatalf("trial %d (killed after %q): the stored sign-in cannot be read: %v", c.trial, c.last, err)
			case c.held && bytes.Equal(v, c.old):
				h.mustHonour(t, c.trial, c.oldS.RefreshToken)
			default:
				s := decodeSignIn(t, c.trial, v)
				h.mustHonour(t, c.trial, s.RefreshToken)
			}
		},
	})
}

// TestCrashRefresh kills `token` while it renews through the whole chain
// (the platform refresh token is dead: Cognito's refresh token, rotated,
// then a new provision), with refresh-token rotation on and Cognito's
// longest grace period (60 s). After each kill the store holds the old
// sign-in or a newer one whole, and the next `token` renews with it: the
// refresh token the store holds is honoured. A kill after the provider
// rotated and before the rotated token is on disk leaves the old token,
// which only the grace period keeps alive (see TestCrashRotationWindow).
func TestCrashRefresh(t *testing.T) {
	t.Parallel() // each has its own emulator, ports and store
	runCrash(t, crashOp{
		name: "refresh",
		opts: authtest.Options{RotateRefreshTokens: true, RefreshGrace: time.Minute},
		args: []string{"token"},
		prepare: func(t *testing.T, h *harness, _ int) bool {
			h.makeStale(staleCognito)
			return true
		},
		window: func(evs []crashEvent) bool {
			return after(evs, "POST /oauth2/token", "http< 200") && !seen(evs, "log rotated refresh token stored")
		},
		check: func(t *testing.T, h *harness, c crashCheck) {
			v, err := h.store().Get(context.Background(), account.Name("work"))
			if err != nil {
				t.Fatalf("trial %d (killed after %q): the stored sign-in cannot be read: %v", c.trial, c.last, err)
			}
			if !bytes.Equal(v, c.old) {
				s := decodeSignIn(t, c.trial, v)
				if s.Claims.Subject != c.oldS.Claims.Subject || s.RefreshToken == "" {
					t.Fatalf("trial %d (killed after %q): the stored sign-in is another user's or has no refresh token", c.trial, c.last)
				}
			}
		},
		recover: func(t *testing.T, h *harness) {
			// The proof that no refresh token was lost: the stored one
			// renews (a rotated-away one only inside the grace).
			h.makeStale(staleCognito)
			h.mustRunFile(t, "token")
		},
	})
}

// TestCrashSignOut kills `logout` (revoke, then delete). After each kill
// the store holds the old sign-in byte for byte or nothing, and nothing
// only once the provider stopped honouring its refresh token (revoked).
// The next `logout` finishes the job.
func TestCrashSignOut(t *testing.T) {
	t.Parallel() // each has its own emulator, ports and store
	runCrash(t, crashOp{
		name: "sign-out",
		args: []string{"logout"},
		prepare: func(t *testing.T, h *harness, _ int) bool {
			if _, err := h.store().Get(context.Background(), account.Name("work")); errors.Is(err, keystore.ErrNotFound) {
				h.mustRunFile(t, "login")
			}
			return true
		},
		window: func(evs []crashEvent) bool {
			return after(evs, "/oauth2/revoke", "http< 200") && !seen(evs, "log keystore: delete")
		},
		check: func(t *testing.T, h *harness, c crashCheck) {
			v, err := h.store().Get(context.Background(), account.Name("work"))
			switch {
			case errors.Is(err, keystore.ErrNotFound):
				if _, err := (&auth.Provider{Profile: h.profile()}).Refresh(context.Background(), c.oldS.RefreshToken); err == nil {
					t.Fatalf("trial %d (killed after %q): the sign-in was deleted while the provider still honours its refresh token", c.trial, c.last)
				}
			case err != nil:
				t.Fatalf("trial %d (killed after %q): the stored sign-in cannot be read: %v", c.trial, c.last, err)
			case !bytes.Equal(v, c.old):
				t.Fatalf("trial %d (killed after %q): the stored sign-in changed during a sign-out", c.trial, c.last)
			}
		},
		recover: func(t *testing.T, h *harness) { h.mustRunFile(t, "logout") },
	})
}

// runCrash runs op's trials: a first run to the end, which measures the
// steps, then the kills.
func runCrash(t *testing.T, op crashOp) {
	trials := 100
	if v := os.Getenv(envCrashTrials); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", envCrashTrials, v)
		}
		trials = n
	}
	h := newHarness(t, op.opts)
	h.useFileStore()
	h.mustRunFile(t, "login")
	env := h.procEnv(os.Environ(), config.EnvPlatformSecret+"="+h.env[config.EnvPlatformSecret])
	start := time.Now()

	// The measuring run: the steps and how long the focus part takes.
	op.prepare(t, h, 1)
	evs := startCrashChild(t, env, op.args, -1).wait()
	if len(evs) == 0 || !strings.HasPrefix(evs[len(evs)-1].label, "exit 0") {
		t.Fatalf("the unkilled %s did not succeed: steps %v", op.name, stepLabels(evs))
	}
	focus := 0
	if op.focus != "" {
		focus = slices.IndexFunc(evs, func(e crashEvent) bool { return e.label == op.focus })
		if focus < 0 {
			t.Fatalf("the %s never reached %q: steps %v", op.name, op.focus, stepLabels(evs))
		}
	}
	steps := len(evs) - 1 // the kill points: every step from focus to the one before "exit"
	span := max(evs[len(evs)-1].at.Sub(evs[focus].at), time.Millisecond)
	t.Logf("%s: %d steps, %d from the focus (%s), %s from the focus to the end", op.name, len(evs), steps-focus, evs[focus].label, span.Round(time.Microsecond))
	t.Logf("steps: %s", strings.Join(stepLabels(evs), " | "))
	if op.recover != nil {
		op.recover(t, h)
	}

	// Pause points cycle through every step in a shuffled order, so each
	// is hit at least trials/2/(steps-focus) times.
	var order []int
	lastAt := map[string]int{} // kills by the last step reported
	inWindow, completed, paused := 0, 0, 0
	for trial := range trials {
		held := op.prepare(t, h, trial)
		c := crashCheck{trial: trial, held: held}
		if held {
			c.old, _ = h.store().Get(context.Background(), account.Name("work"))
			c.oldS = decodeSignIn(t, trial, c.old)
		}
		pauseAt := -1
		if trial%2 == 0 {
			if len(order) == 0 {
				order = rand.Perm(steps - focus)
			}
			pauseAt, order = focus+order[0], order[1:]
			paused++
		}
		child := startCrashChild(t, env, op.args, pauseAt)
		var got []crashEvent
		var timer *time.Timer
		for ev := range child.events {
			got = append(got, ev)
			switch {
			case pauseAt >= 0 && ev.n == pauseAt:
				_ = child.cmd.Process.Kill()
			case pauseAt < 0 && ev.n == focus:
				timer = time.AfterFunc(rand.N(span), func() { _ = child.cmd.Process.Kill() })
			}
		}
		if timer != nil {
			timer.Stop()
		}
		_ = child.cmd.Wait()
		if len(got) == 0 {
			t.Fatalf("trial %d: the child reported nothing", trial)
		}
		c.last = got[len(got)-1].label
		if strings.HasPrefix(c.last, "exit") {
			completed++
			// It ran to the end: its own time is the better measure.
			if f := slices.IndexFunc(got, func(e crashEvent) bool { return e.n == focus }); f >= 0 {
				span = max(got[len(got)-1].at.Sub(got[f].at), time.Millisecond)
			}
			if c.last != "exit 0" {
				t.Fatalf("trial %d: the child was not killed and failed: %s", trial, c.last)
			}
		} else {
			lastAt[c.last]++
		}
		c.window = op.window(got)
		if c.window {
			inWindow++
		}
		op.check(t, h, c)
		if op.recover != nil {
			op.recover(t, h)
		}
	}
	temps, _ := filepath.Glob(filepath.Join(h.dataDir(), ".*.tmp-*"))
	t.Logf("%s: %d trials in %s: %d stopped at a chosen step, %d at a random time; %d ran to the end before the kill; %d killed in the critical window; %d half-written temp files left",
		op.name, trials, time.Since(start).Round(time.Millisecond), paused, trials-paused, completed, inWindow, len(temps))
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range lastAt {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		t.Logf("  killed after %-60q %3d", k, lastAt[k])
	}
	if want := max(trials/50, 1); inWindow < want {
		t.Errorf("only %d kills landed in the critical window; want at least %d, or the test proves too little", inWindow, want)
	}
}

// mustRunFile runs the command in this process with the harness's file
// store and fails the test unless it succeeds.
func (h *harness) mustRunFile(t *testing.T, args ...string) {
	t.Helper()
	if code := h.runShort(t, args...); code != exitOK {
		t.Fatalf("ssohelper %s: exit %d; stderr:\n%s", strings.Join(args, " "), code, h.stderr.String())
	}
}

// mustHonour fails unless the provider honours refreshToken (the emulator
// rotates nothing here: asking does not use it up).
func (h *harness) mustHonour(t *testing.T, trial int, refreshToken string) {
	t.Helper()
	if _, err := (&auth.Provider{Profile: h.profile()}).Refresh(context.Background(), refreshToken); err != nil {
		t.Fatalf("trial %d: the stored refresh token is not honoured: %v", trial, err)
	}
}

func decodeSignIn(t *testing.T, trial int, v []byte) *auth.SignIn {
	t.Helper()
	var s auth.SignIn
	if err := json.Unmarshal(v, &s); err != nil {
		t.Fatalf("trial %d: the stored sign-in does not decode", trial)
	}
	if s.RefreshToken == "" || s.Claims.Subject == "" {
		t.Fatalf("trial %d: the stored sign-in lacks its refresh token or user", trial)
	}
	return &s
}

// seen reports whether a step labelled label was reported.
func seen(evs []crashEvent, label string) bool {
	return slices.ContainsFunc(evs, func(e crashEvent) bool { return e.label == label })
}

// after reports whether a step containing both what and prefix (an
// answer to that request) was reported.
func after(evs []crashEvent, what, prefix string) bool {
	return slices.ContainsFunc(evs, func(e crashEvent) bool {
		return strings.HasPrefix(e.label, prefix) && strings.Contains(e.label, what)
	})
}

func stepLabels(evs []crashEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.label)
	}
	return out
}

// TestCrashRotationWindow stops `token` exactly where refresh-token
// rotation is fragile: the provider has answered the refresh (it rotated:
// the old refresh token now lives only for the grace period) and the
// answer is read, not yet saved. Then the process is ended:
//   - by SIGTERM or SIGINT (shutdown, Ctrl-C): the rotated token must be
//     saved anyway, even with no grace period;
//   - by SIGKILL, with Cognito's longest grace (60 s): the old token the
//     store still holds renews, inside the grace;
//   - by SIGKILL with no grace: the new token died with the process and the
//     old one is already dead. No client can save what it never wrote down;
//     what it must do is say so, loudly: the next `token` asks for a
//     sign-in (exit 4). IT admins who turn rotation on should give it the
//     60 s grace.
func TestCrashRotationWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		grace    time.Duration
		sig      os.Signal
		wantCode int // of the next `token`
	}{
		{"SIGTERM, no grace: the rotated token is saved", 0, syscall.SIGTERM, exitOK},
		{"SIGINT, no grace: the rotated token is saved", 0, os.Interrupt, exitOK},
		{"SIGKILL, 60s grace: the old token renews", time.Minute, os.Kill, exitOK},
		{"SIGKILL, no grace: the next token asks to sign in", 0, os.Kill, exitSignInNeed},
	}
	const answered = "http< 200 POST /oauth2/token"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{RotateRefreshTokens: true, RefreshGrace: tt.grace})
			h.useFileStore()
			h.mustRunFile(t, "login")
			h.makeStale(staleCognito)
			old := h.loadSession().RefreshToken
			env := h.procEnv(os.Environ(), config.EnvPlatformSecret+"="+h.env[config.EnvPlatformSecret])
			child := startChild(t, env, crashSpec{Args: []string{"token"}, PauseAt: -1, PauseOn: answered, Resume: tt.sig != os.Kill})
			var got []crashEvent
			for ev := range child.events {
				got = append(got, ev)
				if ev.label == answered {
					if err := child.cmd.Process.Signal(tt.sig); err != nil {
						t.Fatal(err)
					}
				}
			}
			_ = child.cmd.Wait()
			if !seen(got, answered) {
				t.Fatalf("the child never got the provider's answer: %v", stepLabels(got))
			}
			t.Logf("after %v: %s", tt.sig, strings.Join(stepLabels(got[slices.IndexFunc(got, func(e crashEvent) bool { return e.label == answered }):]), " | "))
			if s := h.loadSession(); s.RefreshToken == old {
				t.Logf("the store holds the old refresh token (rotated away at the provider)")
			} else {
				t.Logf("the store holds the rotated refresh token")
			}
			code := h.runShort(t, "token")
			t.Logf("next token: exit %d; stderr:\n%s", code, h.stderr.String())
			if code != tt.wantCode {
				t.Fatalf("next token: exit %d; want %d", code, tt.wantCode)
			}
			if code == exitSignInNeed && !strings.Contains(h.stderr.String(), "ssohelper login") {
				t.Errorf("the sign-in was lost without saying to sign in again")
			}
		})
	}
}
