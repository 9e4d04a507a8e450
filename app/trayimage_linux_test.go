package app

import (
	"testing"
	"time"
)

// TestLightTrayRebuild: rebuilding the menu (systray closes the old
// entries' click channels) clicks nothing: no sign-out, no handover.
func TestLightTrayRebuild(t *testing.T) {
	b := newFakeBackend("work")
	ctrl := &Controller{Backend: b}
	left := make(chan Handover, 8)
	tr := &lightTray{ctrl: ctrl, leave: func(h Handover) { left <- h }}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for i, s := range []State{
		{Phase: PhaseSignedOut, Profile: "work", Profiles: []string{"work", "test"}, Now: now},
		{Phase: PhaseSignedIn, Profile: "work", Profiles: []string{"work", "test"}, SignIn: signedIn(3 * time.Hour), Now: now},
		{Phase: PhaseSignedIn, Profile: "work", Profiles: []string{"work", "test"}, SignIn: signedIn(2 * time.Hour), Now: now},
	} {
		old := tr.gen
		tr.Render(s)
		if old != nil {
			old.Wait() // every listener of the old menu has ended
		}
		if tr.gen == old {
			t.Fatalf("render %d did not rebuild the menu", i)
		}
	}
	ctrl.Wait()
	select {
	case h := <-left:
		t.Errorf("a rebuild handed over to %+v", h)
	default:
	}
	if len(b.signOuts) != 0 || b.refreshes != 0 {
		t.Errorf("a rebuild acted: sign-outs %v, refreshes %d", b.signOuts, b.refreshes)
	}
	tr.stop()
	tr.gen.Wait()
}
