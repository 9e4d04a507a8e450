package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/keystore"
)

// globals are the flags every subcommand shares.
type globals struct {
	configPath string
	profile    string
	verbose    bool
	fileStore  bool
	hidden     bool // desktop app: start in the tray
}

// app is one invocation: the OS dependencies plus the parsed global flags.
type app struct {
	env *Env
	g   globals
	st  *keystore.Store // opened on first use
	// appLog is the desktop app's logger (its log file); nil for commands.
	appLog *slog.Logger

	mu      sync.Mutex
	clients map[string]*http.Client // by ca_file; see httpFor
}

func (a *app) logger() *slog.Logger {
	if a.appLog != nil {
		return a.appLog
	}
	if !a.g.verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(a.env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, env *Env) int {
	a := &app{env: env}
	root := a.rootCmd()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		err = a.explain(err)
		report(env.Stderr, err)
	}
	return exitCode(err)
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "ssohelper",
		Short: "Desktop sign-in helper for Amazon Cognito–backed platforms",
		Long: `ssohelper signs you in with Amazon Cognito (or any OpenID Connect provider)
through your browser, exchanges the result for a platform token, and hands
tokens to creative-suite plugins and command-line tools.

Machine output goes to stdout; messages for people go to stderr.
Exit codes: 0 ok, 1 error, 2 cancelled, 3 configuration or usage error,
4 sign-in required.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownCommand,
		// No command: the desktop app (or, in a build without it, help on
		// stderr: nobody asked for help on stdout).
		RunE: func(cmd *cobra.Command, args []string) error { return a.runDesktop(cmd, args) },
	}
	root.SetOut(a.env.Stdout) // help and completion scripts are read or piped

	root.SetErr(a.env.Stderr)
	root.SetIn(a.env.Stdin)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.g.configPath, "config", "", "config file (default $SSOHELPER_CONFIG or <user config dir>/ssohelper/config.toml)")
	pf.StringVarP(&a.g.profile, "profile", "p", "", "profile to use (default $SSOHELPER_PROFILE, then default_profile)")
	pf.BoolVarP(&a.g.verbose, "verbose", "v", false, "debug logs on stderr (tokens are never logged)")
	root.Flags().BoolVar(&a.g.hidden, "hidden", false, "desktop app: start in the tray without showing the window (for starting at login)")
	pf.BoolVar(&a.g.fileStore, "insecure-file-store", false, "keep the vault key in a 0600 file instead of the system keyring (or $SSOHELPER_INSECURE_FILE_STORE=1)")
	root.AddCommand(a.loginCmd(), a.tokenCmd(), a.execCmd(), a.serveCmd(), a.bridgeCmd(), a.claimsCmd(), a.doctorCmd(), a.statusCmd(), a.logoutCmd(), a.demoCmd(), a.configCmd())
	root.AddCommand(a.desktopCommands()...)
	strictArgs(root)
	return root
}

// unknownCommand rejects arguments of the root command, which are
// mistyped commands, and suggests the closest real ones.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 || (len(args) == 1 && isLink(args[0])) {
		return nil // the desktop app, or a link it handles
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default for its own suggestions
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return errors.New(msg)
}
