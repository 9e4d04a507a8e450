package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// readmeExample is a shell block of README.md marked for testing with a
// line `<!-- readme-test: NAME ... -->` right before its fence.
type readmeExample struct {
	name, script string
	line         int
}

var readmeMarker = regexp.MustCompile(`^<!-- readme-test: ([a-z0-9-]+)\b.*-->$`)

// readmeExamples reads the marked blocks from README.md as it is now.
func readmeExamples(t *testing.T) []readmeExample {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []readmeExample
	var cur *readmeExample
	pending, n := "", 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.script += line + "\n"
		case pending != "" && line == "```sh":
			cur = &readmeExample{name: pending, line: n}
			pending = ""
		case pending != "":
			t.Fatalf("README.md:%d: the readme-test marker %q must come right before a ```sh block", n-1, pending)
		default:
			if m := readmeMarker.FindStringSubmatch(line); m != nil {
				pending = m[1]
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil || pending != "" {
		t.Fatalf("README.md: a readme-test block is not closed")
	}
	return out
}

// TestReadmeExamples runs the README's marked examples with bash against
// the emulator, with the real ssohelper binary on PATH and a stand-in curl
// that records what it was asked to send. Each example has its checks
// here; an example without checks fails the test.
func TestReadmeExamples(t *testing.T) {
	checks := map[string]func(t *testing.T, ex readmeExample){
		"token-in-script": func(t *testing.T, ex readmeExample) {
			h, run := readmeHarness(t)
			// Signed out: exit 4, the hint, and curl never runs.
			code, stderr, curlArgs := run(ex.script)
			if code != exitSignInNeed || !strings.Contains(stderr, "please run: ssohelper login") || curlArgs != "" {
				t.Errorf("signed out: exit %d, curl %q, stderr:\n%s\nwant exit 4, the hint, and no curl", code, curlArgs, stderr)
			}
			// Signed in: curl gets the platform token.
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			code, stderr, curlArgs = run(ex.script)
			want := "Authorization: Bearer " + h.loadSession().Platform.AccessToken
			if code != 0 || !strings.Contains(curlArgs, want) {
				t.Errorf("signed in: exit %d, curl args %q, stderr:\n%s\nwant exit 0 and curl sending the platform token", code, curlArgs, stderr)
			}
		},
	}
	examples := readmeExamples(t)
	if len(examples) == 0 {
		t.Fatal("README.md has no <!-- readme-test: NAME --> examples; the exit-code example must be tested")
	}
	for _, ex := range examples {
		check, ok := checks[ex.name]
		if !ok {
			t.Errorf("README.md:%d: example %q has no checks in TestReadmeExamples", ex.line, ex.name)
			continue
		}
		t.Run(ex.name, func(t *testing.T) { check(t, ex) })
	}
}

// readmeHarness returns a harness on the file store and a runner of shell
// scripts that see it: ssohelper and the stand-in curl on PATH.
func readmeHarness(t *testing.T) (*harness, func(script string) (code int, stderr, curlArgs string)) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	bin := t.TempDir()
	if err := os.Symlink(ssohelperBinary(t), filepath.Join(bin, "ssohelper")); err != nil {
		t.Fatal(err)
	}
	curlLog := filepath.Join(t.TempDir(), "curl-args")
	curl := "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + curlLog + "'\n"
	if err := os.WriteFile(filepath.Join(bin, "curl"), []byte(curl), 0o755); err != nil {
		t.Fatal(err)
	}
	env := h.procEnv(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		envFileStore+"=1",
		config.EnvPlatformSecret+"="+h.env[config.EnvPlatformSecret])
	return h, func(script string) (int, string, string) {
		_ = os.Remove(curlLog)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", "-c", script)
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		args, _ := os.ReadFile(curlLog)
		return code, stderr.String(), string(args)
	}
}
