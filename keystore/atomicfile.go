package keystore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	// tmpMarker separates a file name from the random suffix of its
	// temporary copy: ".<file>.tmp-<random>".
	tmpMarker = ".tmp-"
	// staleTmpAge is how old a temporary file must be before Put removes it
	// as the leftover of a killed writer. No write takes that long.
	staleTmpAge = time.Minute
)

// writeFileAtomic replaces dir/file with data: write a 0600 temporary file in
// the same directory, fsync it, rename it over the target, fsync the
// directory. A reader, or a crash at any point, sees the old content or the
// new one, never a mix.
func writeFileAtomic(dir, file string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+file+tmpMarker+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, file)); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// removeStaleTemps deletes temporary copies of dir/file that a killed writer
// left behind. Errors are ignored: leftovers are harmless, just untidy.
func removeStaleTemps(dir, file string, now time.Time) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+file+tmpMarker+"*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && now.Sub(fi.ModTime()) > staleTmpAge {
			_ = os.Remove(m)
		}
	}
}

// isTemp reports whether a directory entry is a temporary copy.
func isTemp(file string) bool {
	return strings.HasPrefix(file, ".") && strings.Contains(file, fileSuffix+tmpMarker)
}

// ensureDir creates dir with mode 0700, and narrows an existing dir that is
// open to group or others.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory: %w", dir, fs.ErrExist)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}

// removeFile deletes path; a missing file is not an error.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
