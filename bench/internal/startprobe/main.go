// Command startprobe measures a driver's start: it opens a database, runs
// one point select, prints the row and exits. The bench builds it once per
// driver with a build tag (probe_sqlitekit, probe_ncruces, probe_modernc,
// probe_mattn), so that each probe links that driver alone and its start-up
// cost is the driver's, not the bench's.
//
// Usage: startprobe path [pragma=value ...]
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: startprobe path [pragma=value ...]")
		os.Exit(2)
	}
	var pragmas [][2]string
	for _, a := range os.Args[2:] {
		k, v, _ := strings.Cut(a, "=")
		pragmas = append(pragmas, [2]string{k, v})
	}
	db, err := open(os.Args[1], pragmas)
	if err != nil {
		fmt.Fprintln(os.Stderr, "startprobe:", err)
		os.Exit(1)
	}
	var email string
	if err := db.QueryRow("SELECT email FROM users WHERE id = ?", 42).Scan(&email); err != nil {
		fmt.Fprintln(os.Stderr, "startprobe:", err)
		os.Exit(1)
	}
	fmt.Println(email)
	db.Close()
}

// pragmaDSN is the _pragma=name(value) query string of ncruces, sqlitekit
// and modernc.
func pragmaDSN(pragmas [][2]string) string {
	q := make([]string, len(pragmas))
	for i, p := range pragmas {
		q[i] = "_pragma=" + p[0] + "(" + p[1] + ")"
	}
	return strings.Join(q, "&")
}
