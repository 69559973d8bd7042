//go:build !race

package trigram_test

const raceEnabled = false
