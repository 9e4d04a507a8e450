package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/app/instance"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/bridge"
	"github.com/ssohelper/ssohelper/auth/config"
)

func (a *app) serveCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the plugin bridge without the desktop app",
		Long: `serve runs the plugin bridge: a loopback HTTP API (127.0.0.1 and [::1], port
47615, or --port, or $SSOHELPER_BRIDGE_PORT) through which paired
creative-suite plugins get your token and hear of changes. A plugin pairs
once: you approve it with 'ssohelper bridge approve CODE', comparing the
code it shows. One bridge runs per user: when yours already runs (here or
in the desktop app) serve says so and exits. See docs/bridge.md.

--demo runs it on the built-in emulator, signed in as the demo designer,
in a temporary directory, so a plugin developer can try everything
without a Cognito user pool.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.demo {
				return a.serveDemo(cmd.Context(), o)
			}
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			ask := a.askOnStderr
			if o.desktop {
				ask = a.askDesktopApp
			}
			return a.serveBridge(cmd.Context(), o, p.Name, ask)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.port, "port", 0, "the bridge's port (default 47615 or $SSOHELPER_BRIDGE_PORT)")
	f.StringSliceVar(&o.origins, "allow-origin", nil, "a web origin (scheme://host[:port]) whose requests are allowed; repeatable")
	f.BoolVar(&o.demo, "demo", false, "run on the built-in emulator, signed in as the demo designer")
	f.Float64Var(&o.tokenRate, "token-rate", bridge.DefaultTokenRate, "successful token reads a second per plugin (bursts of twice that)")
	f.BoolVar(&o.desktop, "desktop", false, "run for the desktop app, which asks the user about pairings")
	_ = f.MarkHidden("desktop")
	return cmd
}

// serveDemo runs the bridge on the emulator: its settings and tokens live
// in a temporary directory (file store), signed in by the test browser.
func (a *app) serveDemo(ctx context.Context, o serveOptions) error {
	srv, p, err := a.startDemoEmulator()
	if err != nil {
		return err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "ssohelper-serve-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := filepath.Join(dir, "config.toml")
	if err := (&config.File{DefaultProfile: p.Name, Profiles: map[string]config.Profile{p.Name: p}}).Save(cfg); err != nil {
		return err
	}
	a.g.configPath, a.g.fileStore, a.env.DataDir, a.st = cfg, true, filepath.Join(dir, "data"), nil
	getenv := a.env.Getenv
	a.env.Getenv = func(k string) string {
		if k == config.EnvPlatformSecret {
			return authtest.DemoPlatformApp().Secret
		}
		return getenv(k)
	}
	u := authtest.DemoUsers()[0]
	m, _, err := a.manager(p)
	if err != nil {
		return err
	}
	if _, err := m.SignIn(ctx, a.demoFlow(p, srv, &u, true, false)); err != nil {
		return fmt.Errorf("signing in the demo user: %w", err)
	}
	fmt.Fprintf(a.env.Stderr, "Demo: emulator at %s, signed in as %s; settings and tokens in %s until you stop.\n", srv.URL(), u.Username, dir)
	return a.serveBridge(ctx, o, p.Name, a.askOnStderr)
}

// askDesktopApp has the desktop app ask the user (it shows a dialog for
// each request the bridge has), else asks on stderr.
func (a *app) askDesktopApp(r bridge.PairRequest) {
	if err := instance.Send(instance.SocketPath(a.env.Getenv), "pairing"); err != nil {
		a.logger().Info("bridge: the desktop app did not take the pairing request", "err", err)
		a.askOnStderr(r)
	}
}

// askOnStderr shows a pairing request to the user of a headless bridge.
func (a *app) askOnStderr(r bridge.PairRequest) {
	fmt.Fprintf(a.env.Stderr, "Plugin %q (%s) asks to use your sign-in for profile %s. Code %s.\n"+
		"  If the plugin shows the same code: ssohelper bridge approve %s    Otherwise: ssohelper bridge deny %s\n",
		r.Name, r.ID, r.Profile, r.Code, r.Code, r.Code)
}

func (a *app) bridgeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bridge",
		Short: "Approve, list and revoke the plugins paired with the bridge",
		Long: `bridge manages the plugins that use the plugin bridge: pending shows the
pairing requests waiting for you, approve and deny answer one (compare the
code with the one the plugin shows), list shows the paired plugins with
when they last got a token, how often, and the Origin they send, and revoke
ends a pairing at once (its push connections too).`,
	}
	cmd.AddCommand(
		&cobra.Command{Use: "pending", Short: "List the pairing requests waiting for you", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				var out struct{ Pending []bridge.PairRequest }
				if err := a.adminCall(cmd.Context(), "GET", "/v1/admin/pending", nil, &out); err != nil {
					return err
				}
				tw := tabwriter.NewWriter(a.env.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CODE\tPLUGIN\tNAME\tPROFILE\tEXPIRES")
				for _, r := range out.Pending {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.ID, r.Name, r.Profile, r.Expires.Local().Format(time.TimeOnly))
				}
				return tw.Flush()
			}},
		a.decideCmd("approve", true), a.decideCmd("deny", false),
		&cobra.Command{Use: "list", Short: "List the paired plugins", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				list, err := a.pairedPlugins(cmd.Context())
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(a.env.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "PLUGIN\tNAME\tPROFILE\tPAIRED\tLAST TOKEN\tTOKENS\tORIGIN")
				for _, p := range list {
					last := "never"
					if !p.LastToken.IsZero() {
						last = p.LastToken.Local().Format(time.DateTime)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", p.ID, p.Name, p.Profile, p.PairedAt.Local().Format(time.DateOnly), last, p.TokenCount, orNone(p.Origin))
				}
				return tw.Flush()
			}},
		&cobra.Command{Use: "revoke PLUGIN", Short: "End a plugin's pairing at once", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error { return a.revokePlugin(cmd.Context(), args[0]) }},
	)
	return cmd
}

func (a *app) decideCmd(verb string, allow bool) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " CODE",
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " the pairing request that shows CODE",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var req bridge.PairRequest
			if err := a.adminCall(cmd.Context(), "POST", "/v1/admin/"+verb, map[string]string{"code": args[0]}, &req); err != nil {
				return err
			}
			done := "Approved"
			if !allow {
				done = "Denied"
			}
			fmt.Fprintf(a.env.Stderr, "%s plugin %q (%s) for profile %s.\n", done, req.Name, req.ID, req.Profile)
			return nil
		},
	}
}

// pairedPlugins asks the running bridge, else reads the store.
func (a *app) pairedPlugins(ctx context.Context) ([]bridge.Plugin, error) {
	var out struct{ Plugins []bridge.Plugin }
	err := a.adminCall(ctx, "GET", "/v1/admin/plugins", nil, &out)
	if !errors.Is(err, errNoBridge) {
		return out.Plugins, err
	}
	st, err := a.store()
	if err != nil {
		return nil, err
	}
	return bridgeStore{st}.Load(ctx)
}

// revokePlugin revokes through the running bridge (its connections end at
// once), else in the store.
func (a *app) revokePlugin(ctx context.Context, id string) error {
	var out map[string]string
	err := a.adminCall(ctx, "POST", "/v1/admin/revoke", map[string]string{"id": id}, &out)
	if !errors.Is(err, errNoBridge) {
		if err == nil {
			fmt.Fprintf(a.env.Stderr, "Revoked plugin %s.\n", id)
		}
		return err
	}
	st, err := a.store()
	if err != nil {
		return err
	}
	bs := bridgeStore{st}
	list, err := bs.Load(ctx)
	if err != nil {
		return err
	}
	kept := list[:0]
	for _, p := range list {
		if p.ID != id {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(list) {
		return usagef("no paired plugin has the id %q ('ssohelper bridge list' shows them)", id)
	}
	if err := bs.Save(ctx, kept); err != nil {
		return err
	}
	fmt.Fprintf(a.env.Stderr, "Revoked plugin %s.\n", id)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
