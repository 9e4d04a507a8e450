package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/handoff"
)

func (a *app) execCmd() *cobra.Command {
	var o tokenOptions
	cmd := &cobra.Command{
		Use:   "exec [flags] -- command [args...]",
		Short: "Run a command with a valid token in its environment",
		Long: `exec runs command with the profile's token (as 'token' prints it) in the
environment variable --env (default SSOHELPER_TOKEN), with NAME_EXPIRY
(RFC 3339), NAME_PROFILE and NAME_USER beside it. The command gets this
process's standard input, output and error; signals sent to ssohelper are
passed on to it (Ctrl+C in a terminal reaches it directly); ssohelper exits
with the command's exit code (128 + the signal's number when a signal ended
it). Before the command starts, a sign-in that is needed gives exit code 4,
as with 'token', unless --login.`,
		Example: `  ssohelper exec -- curl -H 'Authorization: Bearer $SSOHELPER_TOKEN' https://platform.example/api/…
  ssohelper exec --env PLATFORM_TOKEN --min-valid 1h -- ./upload.sh assets/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := handoff.CheckEnvName(o.env); err != nil {
				return usagef("--env: %v", err)
			}
			path, err := exec.LookPath(args[0])
			if err != nil {
				return usagef("cannot run %q: %v", args[0], err)
			}
			t, err := a.handoffToken(cmd.Context(), o)
			if err != nil {
				return err
			}
			return a.runWithToken(path, args, t, o.env)
		},
	}
	cmd.Flags().SetInterspersed(false) // flags after the command are the command's
	o.flags(cmd, "the environment variable that carries the token")
	return cmd
}

// childExit is a command's own exit code, passed through silently.
type childExit struct{ code int }

func (e *childExit) Error() string { return fmt.Sprintf("the command exited with code %d", e.code) }

// runWithToken runs path with args and t in its environment, passes
// signals on, and returns the command's exit as a *childExit.
func (a *app) runWithToken(path string, args []string, t handoff.Token, name string) error {
	c := exec.Command(path, args[1:]...)
	c.Args[0] = args[0]
	c.Env = append(withoutEnv(os.Environ(), name, name+"_EXPIRY", name+"_PROFILE", name+"_USER"),
		name+"="+t.Token, name+"_EXPIRY="+t.Expiry.Format(time.RFC3339), name+"_PROFILE="+t.Profile, name+"_USER="+t.User)
	c.Stdin, c.Stdout, c.Stderr = a.env.Stdin, a.env.Stdout, a.env.Stderr
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	// main's Ctrl+C handling only cancels the context, which the command
	// does not use: the command decides when it ends.
	if err := c.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", args[0], err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-sigs:
				if fromTerminal(s, a.env.Stdin) {
					continue // the terminal sent it to the command too
				}
				_ = c.Process.Signal(s)
			}
		}
	}()
	err := c.Wait()
	close(done)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return &childExit{code: exitStatus(ee)}
	}
	return fmt.Errorf("running %s: %w", args[0], err)
}

// withoutEnv drops the named variables from env.
func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
next:
	for _, kv := range env {
		for _, n := range names {
			if len(kv) > len(n) && kv[:len(n)+1] == n+"=" {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
