package bridge

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Event is one push message.
type Event struct {
	Type    string    `json:"type"`
	Profile string    `json:"profile,omitempty"`
	Expiry  time.Time `json:"expiry,omitzero"` // of the new token, for token_refreshed and signed_in
	At      time.Time `json:"at"`
}

// The events a plugin hears.
const (
	EventTokenRefreshed = "token_refreshed"
	EventSignedIn       = "signed_in"
	EventSignedOut      = "signed_out"
	EventProfileChanged = "profile_changed"
	EventPluginRevoked  = "plugin_revoked"
)

// Push connection timing: the first message (the secret) must come within
// authTimeout; a ping every pingEvery must be answered within pingTimeout.
const (
	authTimeout  = 10 * time.Second
	pingEvery    = 20 * time.Second
	pingTimeout  = 10 * time.Second
	writeTimeout = 5 * time.Second
	queueLen     = 16
)

// reasonTooSlow ends a push connection whose queue filled: its peer stopped
// reading.
const reasonTooSlow = "too slow: reconnect"

// subscriber is one push connection of a paired plugin.
type subscriber struct {
	plugin, profile string
	send            chan []byte // encoded events
	done            chan struct{}
	reason          string
	abort           context.CancelFunc // ends a write blocked on a peer that stopped reading
}

// stop ends the connection with reason. Call with s.mu held.
func (sub *subscriber) stop(reason string) {
	select {
	case <-sub.done:
	default:
		sub.reason = reason
		close(sub.done)
		if reason != "revoked" { // a revoked plugin is told first
			sub.abort()
		}
	}
}

// events: GET /v1/events, a WebSocket. The first message is
// {"type":"auth","secret":"…"}; the bridge answers {"type":"ready",…} and
// then sends events as JSON messages.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		writeError(w, http.StatusUpgradeRequired, "websocket_required", "open a WebSocket on this path")
		return
	}
	// The guard has judged the Origin already (refused web origins unless
	// allowed); the library's same-host check would refuse plugins too.
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	c.SetReadLimit(maxBody)
	defer c.CloseNow()

	ctx, cancel := context.WithTimeout(r.Context(), authTimeout)
	var hello struct {
		Type   string `json:"type"`
		Secret string `json:"secret"`
	}
	err = wsjson.Read(ctx, c, &hello)
	cancel()
	if err != nil || hello.Type != "auth" {
		c.Close(websocket.StatusPolicyViolation, "send {\"type\":\"auth\",\"secret\":…} first")
		return
	}
	if !s.lim.failures.Allow0() {
		c.Close(websocket.StatusTryAgainLater, "too many failed attempts")
		return
	}
	writeCtx, abort := context.WithCancel(r.Context())
	defer abort()
	s.mu.Lock()
	p := s.pluginBySecret(hello.Secret)
	var sub *subscriber
	if p != nil {
		sub = &subscriber{plugin: p.ID, profile: p.Profile, send: make(chan []byte, queueLen), done: make(chan struct{}), abort: abort}
		select {
		case <-s.closed:
			sub = nil
		default:
			s.subs[sub] = struct{}{}
		}
	}
	s.mu.Unlock()
	if p == nil {
		s.lim.failures.Allow()
		c.Close(websocket.StatusPolicyViolation, "unauthorized: unknown or revoked plugin")
		return
	}
	if sub == nil {
		c.Close(websocket.StatusGoingAway, "the helper is quitting")
		return
	}
	defer func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
	}()
	s.log.Debug("bridge: push connection", "plugin", sub.plugin)
	if err := s.write(r.Context(), c, map[string]string{"type": "ready", "plugin": sub.plugin, "profile": sub.profile}); err != nil {
		return
	}
	// A plugin sends nothing after its secret. Not c.CloseRead: its
	// goroutine, on a data message, waits 15 s for itself to exit, keeping
	// this handler and its subscription. This one reads control frames
	// (pongs) and ends readCtx when the peer closes or sends data; it exits
	// then, or when the connection is closed as this handler returns.
	readCtx, stopRead := context.WithCancel(r.Context())
	defer stopRead()
	var chatter atomic.Bool
	go func() {
		defer stopRead()
		if _, _, err := c.Read(readCtx); err == nil {
			chatter.Store(true)
		}
	}()
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case msg := <-sub.send:
			if err := s.writeRaw(writeCtx, c, msg); err != nil {
				return
			}
		case <-sub.done:
			s.mu.Lock()
			reason := sub.reason
			s.mu.Unlock()
			if reason == reasonTooSlow {
				// A polite close waits up to 10 s for a peer that reads
				// nothing; the deferred CloseNow ends it at once.
				return
			}
			// Events queued before the stop (plugin_revoked) go first.
			for len(sub.send) > 0 {
				if err := s.write(readCtx, c, json.RawMessage(<-sub.send)); err != nil {
					return
				}
			}
			c.Close(websocket.StatusNormalClosure, reason)
			return
		case <-ping.C:
			pctx, cancel := context.WithTimeout(readCtx, pingTimeout)
			err := c.Ping(pctx)
			cancel()
			if err != nil {
				s.log.Debug("bridge: push peer gone", "plugin", sub.plugin, "err", err)
				return
			}
		case <-readCtx.Done():
			if chatter.Load() {
				c.Close(websocket.StatusPolicyViolation, "unexpected data message")
			}
			return
		}
	}
}

func (s *Server) write(ctx context.Context, c *websocket.Conn, v any) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return wsjson.Write(ctx, c, v)
}

// writeRaw sends an encoded event. No deadline of its own (a context
// per write costs a timer per subscriber per event): a peer that stops
// reading fills its queue, and stop aborts the blocked write.
func (s *Server) writeRaw(ctx context.Context, c *websocket.Conn, msg []byte) error {
	return c.Write(ctx, websocket.MessageText, msg)
}

// Publish sends ev to every push connection of ev.Profile ("" : all),
// encoded once. A connection whose queue is full is dropped: it
// reconnects and reads the token again.
func (s *Server) Publish(ev Event) {
	msg := s.encode(ev)
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		if ev.Profile == "" || sub.profile == ev.Profile {
			s.enqueue(sub, msg)
		}
	}
}

// publishTo sends ev to one plugin's connections.
func (s *Server) publishTo(plugin string, ev Event) {
	msg := s.encode(ev)
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		if sub.plugin == plugin {
			s.enqueue(sub, msg)
		}
	}
}

func (s *Server) encode(ev Event) []byte {
	if ev.At.IsZero() {
		ev.At = s.o.Now().UTC()
	}
	msg, _ := json.Marshal(ev)
	return msg
}

// enqueue queues msg for sub. Call with s.mu held.
func (s *Server) enqueue(sub *subscriber, msg []byte) {
	select {
	case sub.send <- msg:
	default:
		// Dropped from the set at once: it hears no more events and no
		// longer counts, whatever its handler is doing.
		sub.stop(reasonTooSlow)
		delete(s.subs, sub)
	}
}

// dropSubscribers ends one plugin's push connections.
func (s *Server) dropSubscribers(plugin, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		if sub.plugin == plugin {
			sub.stop(reason)
		}
	}
}

// Subscribers counts the open push connections (for tests and status).
func (s *Server) Subscribers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}
