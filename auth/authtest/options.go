package authtest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
)

// Options configures a Server. The zero value runs the demo pool.
type Options struct {
	// Addr is the listen address. It MUST be a loopback address. Default "127.0.0.1:0".
	Addr string
	// TLS, when set, serves HTTPS with this configuration (its
	// certificate); URL then starts with https://.
	TLS *tls.Config
	// Host, when set, is the host name in the server's URLs (issuer,
	// endpoints) instead of the listen address's IP; the port stays. It
	// lets a test put the emulator under a name only its proxy resolves.
	Host string
	// PoolID is the user pool id; the region is the part before "_". Default "eu-west-1_SSOdemo1".
	PoolID string
	// Clients are the app clients. Default: DemoClient().
	Clients []Client
	// Users are the pool's users. Default: DemoUsers().
	Users []User
	// IDTokenTTL is the lifetime of id tokens. Default 1h.
	IDTokenTTL time.Duration
	// AccessTokenTTL is the lifetime of access tokens, which Cognito sets
	// apart from the id token's (expires_in is the access token's).
	// Default: IDTokenTTL.
	AccessTokenTTL time.Duration
	// RefreshTokenTTL is the lifetime of a refresh token. Default 30 days. A rotated
	// refresh token keeps the original's end, so every sign-in has a hard end.
	RefreshTokenTTL time.Duration
	// RotateRefreshTokens makes the refresh_token grant return a new refresh token.
	RotateRefreshTokens bool
	// RefreshGrace is how long a rotated refresh token stays valid (0 to 60s). Default 0.
	RefreshGrace time.Duration
	// SendIssParam adds iss= to the callback redirect (RFC 9207). Cognito does not.
	SendIssParam bool
	// Platform configures the platform emulator. The zero value means DemoPlatformOptions();
	// otherwise each zero field takes the default written next to it.
	Platform PlatformOptions
	// Now is the clock for every token, code and browser sign-in. Default time.Now.
	Now func() time.Time
	// Logger receives debug logs per request. Default: discard.
	Logger *slog.Logger
}

// Client is a Cognito app client.
type Client struct {
	// ID is the client id (Cognito uses 26 lowercase letters and digits).
	ID string
	// Secret is the client secret; empty means a public client.
	Secret string
	// CallbackURLs are the allowed redirect URIs, matched exactly.
	CallbackURLs []string
	// LogoutURLs are the allowed sign-out URLs for /logout.
	LogoutURLs []string
	// Scopes are the allowed OAuth scopes. Default: openid, email, phone, profile.
	Scopes []string
	// Unreadable are user attributes the app client may not read
	// (Cognito's attribute read permissions, turned off). As Cognito does,
	// the code exchange then answers invalid_grant when a granted scope
	// carries one: email for "email", name for "profile".
	Unreadable []string
	// NoRevocation turns token revocation off for the app client, as
	// Cognito allows: /oauth2/revoke then answers 400 invalid_request.
	NoRevocation bool
}

// User is a user in the pool.
type User struct {
	Username, Password string
	// Sub is the user's uuid. Default: a random uuid chosen at NewServer.
	Sub           string
	Email         string
	EmailVerified bool
	Name          string
	GivenName     string
	FamilyName    string
	// Groups become the cognito:groups claim.
	Groups []string
	// Custom are custom attributes without the "custom:" prefix.
	Custom map[string]string
}

// ErrInvalidOptions is wrapped by every error NewServer returns for bad Options.
var ErrInvalidOptions = errors.New("authtest: invalid options")

// withDefaults returns a copy of o with every default applied, or an error
// wrapping ErrInvalidOptions.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if err := checkLoopback(o.Addr); err != nil {
		return o, err
	}
	if o.PoolID == "" {
		o.PoolID = "eu-west-1_SSOdemo1"
	}
	if !strings.Contains(o.PoolID, "_") || strings.ContainsAny(o.PoolID, "/?#") {
		return o, fmt.Errorf("%w: pool id %q is not <region>_<id>", ErrInvalidOptions, o.PoolID)
	}
	if len(o.Clients) == 0 {
		o.Clients = []Client{DemoClient()}
	}
	if len(o.Users) == 0 {
		o.Users = DemoUsers()
	}
	if o.IDTokenTTL == 0 {
		o.IDTokenTTL = time.Hour
	}
	if o.AccessTokenTTL == 0 {
		o.AccessTokenTTL = o.IDTokenTTL
	}
	if o.RefreshTokenTTL == 0 {
		o.RefreshTokenTTL = 30 * 24 * time.Hour
	}
	if o.IDTokenTTL < 0 || o.AccessTokenTTL < 0 || o.RefreshTokenTTL < 0 {
		return o, fmt.Errorf("%w: negative token lifetime", ErrInvalidOptions)
	}
	if o.RefreshGrace < 0 || o.RefreshGrace > time.Minute {
		return o, fmt.Errorf("%w: refresh grace %s is outside 0..60s", ErrInvalidOptions, o.RefreshGrace)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if err := checkClients(o.Clients); err != nil {
		return o, err
	}
	if err := checkUsers(o.Users); err != nil {
		return o, err
	}
	p, err := o.Platform.withDefaults()
	if err != nil {
		return o, err
	}
	o.Platform = p
	return o, nil
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: addr %q: %w", ErrInvalidOptions, addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: addr %q is not a loopback address", ErrInvalidOptions, addr)
	}
	return nil
}

func checkClients(clients []Client) error {
	seen := map[string]bool{}
	for i, c := range clients {
		if c.ID == "" {
			return fmt.Errorf("%w: client %d has no id", ErrInvalidOptions, i)
		}
		if seen[c.ID] {
			return fmt.Errorf("%w: duplicate client id %q", ErrInvalidOptions, c.ID)
		}
		seen[c.ID] = true
		for _, u := range append(append([]string(nil), c.CallbackURLs...), c.LogoutURLs...) {
			if !allowedRedirect(u) {
				return fmt.Errorf("%w: client %q: url %q must be https, or http with host localhost", ErrInvalidOptions, c.ID, u)
			}
		}
	}
	return nil
}

func checkUsers(users []User) error {
	seen := map[string]bool{}
	for i, u := range users {
		key := strings.ToLower(u.Username)
		if key == "" {
			return fmt.Errorf("%w: user %d has no username", ErrInvalidOptions, i)
		}
		if seen[key] {
			return fmt.Errorf("%w: duplicate username %q", ErrInvalidOptions, u.Username)
		}
		seen[key] = true
	}
	return nil
}

// allowedRedirect reports whether Cognito would accept u as a callback or
// sign-out URL: absolute, no fragment, https, or http only for host localhost.
func allowedRedirect(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Fragment != "" || p.User != nil {
		return false
	}
	switch p.Scheme {
	case "https":
		return true
	case "http":
		return p.Hostname() == "localhost"
	}
	return false
}
