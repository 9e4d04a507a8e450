package bridge

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limits are the bridge's rate limits. Every caller is on loopback, so
// they are global (pairing, failed authentication) or per plugin.
type limits struct {
	pair     *rate.Limiter // pairing requests: 1 every 5 s, bursts of 3
	failures *failLimiter  // failed authentications: 10 a minute
	mu       sync.Mutex
	tokens   float64                  // token reads a second per plugin
	read     map[string]*rate.Limiter // token reads per plugin
	sign     map[string]*rate.Limiter // sign-in asks per plugin: 1 every 10 s
}

func newLimits(tokens float64) *limits {
	return &limits{
		tokens:   tokens,
		pair:     rate.NewLimiter(rate.Every(5*time.Second), 3),
		failures: &failLimiter{lim: rate.NewLimiter(rate.Every(6*time.Second), 10)},
		read:     map[string]*rate.Limiter{},
		sign:     map[string]*rate.Limiter{},
	}
}

func (l *limits) reads(id string) *rate.Limiter {
	return l.per(l.read, id, func() *rate.Limiter { return rate.NewLimiter(rate.Limit(l.tokens), int(2*l.tokens)) })
}

func (l *limits) signIn(id string) *rate.Limiter {
	return l.per(l.sign, id, func() *rate.Limiter { return rate.NewLimiter(rate.Every(10*time.Second), 1) })
}

func (l *limits) per(m map[string]*rate.Limiter, id string, mk func() *rate.Limiter) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m[id] == nil {
		m[id] = mk()
	}
	return m[id]
}

// failLimiter counts failures only: Allow0 asks whether another attempt
// may be judged, Allow spends one failure.
type failLimiter struct{ lim *rate.Limiter }

func (f *failLimiter) Allow0() bool { return f.lim.Tokens() >= 1 }
func (f *failLimiter) Allow() bool  { return f.lim.Allow() }
