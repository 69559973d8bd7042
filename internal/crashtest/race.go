//go:build race

package crashtest

// Race reports whether the race detector is on.
const Race = true
