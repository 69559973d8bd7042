//go:build race

package conformance_test

// raceEnabled: tests size their largest inputs down under the race
// detector, which makes the translated SQLite many times slower.
const raceEnabled = true
