package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// WatchDir calls changed whenever a file in dir (the saved sign-ins) is
// created, written, renamed or removed: a sign-in, refresh or sign-out by
// the command line or another process. It never polls the keyring. It
// returns when ctx ends; it creates dir (0700) if needed so it can watch.
func WatchDir(ctx context.Context, dir string, log *slog.Logger, changed func()) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			// Saved values are *.vault files, replaced by a rename; temporary
			// files start with "." and the lock directory is "locks".
			name := filepath.Base(ev.Name)
			if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".vault") {
				continue
			}
			if ev.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Rename|fsnotify.Remove) != 0 {
				log.Debug("saved sign-ins changed", "file", ev.Name, "op", ev.Op.String())
				changed()
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			log.Debug("watching the saved sign-ins", "err", err)
		}
	}
}
