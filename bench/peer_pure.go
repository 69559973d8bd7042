//go:build !benchmattn

package main

import (
	"database/sql"

	"github.com/ncruces/go-sqlite3"
	ncruces "github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	_ "modernc.org/sqlite"

	_ "github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// The default binary holds the three cgo-free drivers. mattn lives in a
// binary of its own (peer_mattn.go explains why).
func init() {
	register(&peer{
		name:   "sqlitekit",
		module: "github.com/sqlitekit/sqlitekit",
		open: func(path string, o openOptions) (*sql.DB, error) {
			return sql.Open("sqlitekit", dsn(path, o))
		},
		txlock: "immediate",
		stats: func(path string) (uint64, uint64) {
			s := vfs.StatsOf(path)
			return s.Main.Syncs + s.WAL.Syncs + s.Journal.Syncs,
				s.Main.BytesWritten + s.WAL.BytesWritten + s.Journal.BytesWritten
		},
	})
	register(&peer{
		name:   "ncruces",
		module: "github.com/ncruces/go-sqlite3",
		// Plain ncruces as its users run it: its own driver.Open, with
		// the FTS5 extension that ships with it registered on each
		// connection (in this line FTS5 is not built in). No
		// sqlitekit code runs on these connections.
		open: func(path string, o openOptions) (*sql.DB, error) {
			return ncruces.Open(dsn(path, o), func(c *sqlite3.Conn) error {
				return fts5.Register(c)
			})
		},
		txlock:    "immediate",
		vectorSQL: "no vector functions",
		vec0:      "no vec0",
		vfsStats:  "no I/O counters",
	})
	register(&peer{
		name:   "modernc",
		module: "modernc.org/sqlite",
		open: func(path string, o openOptions) (*sql.DB, error) {
			return sql.Open("sqlite", dsn(path, o))
		},
		txlock:    "deferred",
		vectorSQL: "no vector functions",
		vec0:      "no vec0",
		vfsStats:  "no I/O counters",
	})
	noPeerReason["mattn"] = "not in this binary (see peer_mattn.go)"
}

// dsn is the DSN ncruces, sqlitekit and modernc all read the same way.
func dsn(path string, o openOptions) string {
	var extra []string
	if o.TxLock != "" {
		extra = append(extra, "_txlock="+o.TxLock)
	}
	return "file:" + path + "?" + pragmaDSN(extra...)
}
