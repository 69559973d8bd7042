//go:build race

package vector_test

// raceEnabled: the race detector instruments unsafe conversions, which
// changes allocation counts.
const raceEnabled = true
