//go:build unix

package writeq

import (
	"fmt"
	"os"
	"syscall"
)

// fileIdentity names a file by device and inode.
func fileIdentity(fi os.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("file:%d:%d", st.Dev, st.Ino)
	}
	return ""
}
