//go:build unix

package tokenhint

import (
	"io/fs"
	"syscall"
)

// inode is fi's inode number: a file replaced by another (a rename over
// it) has another one, whatever its size and time.
func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
