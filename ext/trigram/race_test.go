//go:build race

package trigram_test

// raceEnabled: the race detector makes the translated SQLite several times
// slower, so the slowest tests check a sample instead of everything.
const raceEnabled = true
