//go:build !unix

package writeq

import "os"

// fileIdentity is unknown here: queues are keyed by absolute path.
func fileIdentity(os.FileInfo) string { return "" }
