//go:build !unix

package replica

import "os"

// lockDB takes no lock here: only a replica of this process is seen.
func lockDB(string) (*os.File, error) { return nil, nil }

// lockHeld sees no lock here: only a replica of this process is seen.
func lockHeld(string) error { return nil }
