//go:build !unix

package vfs

import "os"

// fileIdentity is unknown here: queues are keyed by absolute path.
func fileIdentity(os.FileInfo) string { return "" }
