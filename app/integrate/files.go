package integrate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// writeFiles writes each file (0644, directories 0755) and says so on log.
func writeFiles(log io.Writer, files map[string][]byte) error {
	for path, data := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Fprintf(log, "Wrote %s\n", path)
	}
	return nil
}

// removeFiles removes each path that exists and says so on log.
func removeFiles(log io.Writer, paths ...string) error {
	var errs []error
	for _, path := range paths {
		switch err := os.Remove(path); {
		case err == nil:
			fmt.Fprintf(log, "Removed %s\n", path)
		case !errors.Is(err, fs.ErrNotExist):
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// exists reports whether path is there.
func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
