package loopback

import (
	"net/http"
	"time"

	"github.com/ssohelper/ssohelper/assets"
)

// finishLimit is how long the browser of an accepted callback waits for
// Finish before it is shown the neutral "sign-in received" page.
const finishLimit = 2 * time.Minute

// Finish answers the browser of the accepted callback, which waits on the
// redirect until the caller knows how the sign-in ended (code exchange,
// id_token checks, platform exchange): fail nil shows "Signed in", else
// fail is shown with status 403. Its text MUST NOT hold a token or code.
// Finish is a no-op when no callback is waiting or it was already called.
func (s *Server) Finish(fail *assets.Page) {
	if fail == nil {
		s.reply(success(pageSuccess))
		return
	}
	s.reply(failure(http.StatusForbidden, *fail))
}

// reply sends resp to the waiting browser once.
func (s *Server) reply(resp response) {
	s.mu.Lock()
	ch := s.pending
	s.pending = nil
	s.mu.Unlock()
	if ch != nil {
		ch <- resp // capacity 1 and sent once: never blocks
	}
}
