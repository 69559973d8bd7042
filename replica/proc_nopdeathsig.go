//go:build !(linux || freebsd)

package replica

import "os/exec"

// dieWithUs does nothing here: the system cannot tie a child's life to
// its parent's, and a litestream outlives a killed program (see the
// package doc, "Stopping").
func dieWithUs(*exec.Cmd) {}
