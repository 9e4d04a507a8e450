package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Log file limits: the current file is rotated to ".1" past maxLogSize;
// recentLines are kept in memory for "Copy diagnostics".
const (
	maxLogSize  = 256 << 10
	recentLines = 100
)

// LogFile is the app's small rotating log in the user cache dir. Nothing
// that reaches it carries a token: the code logs no token, and the
// diagnostics built from it are checked for token shapes in tests.
type LogFile struct {
	mu     sync.Mutex
	path   string
	f      *os.File
	size   int64
	recent []string
}

// OpenLog opens (appending) the log file app.log in dir, mode 0600.
func OpenLog(dir string) (*LogFile, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	l := &LogFile{path: filepath.Join(dir, "app.log")}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *LogFile) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log file: %w", err)
	}
	l.f, l.size = f, fi.Size()
	return nil
}

// Write appends p (one slog record) and rotates when the file is full.
func (l *LogFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recent = append(l.recent, strings.TrimRight(string(p), "\n"))
	if len(l.recent) > recentLines {
		l.recent = l.recent[len(l.recent)-recentLines:]
	}
	if l.f == nil {
		return len(p), nil
	}
	if l.size+int64(len(p)) > maxLogSize {
		l.f.Close()
		_ = os.Rename(l.path, l.path+".1")
		if err := l.open(); err != nil {
			l.f = nil
			return len(p), nil // logging must never stop the app
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// Recent returns the last lines written.
func (l *LogFile) Recent() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.recent...)
}

// Path is the log file's path.
func (l *LogFile) Path() string { return l.path }

// Close closes the file.
func (l *LogFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
