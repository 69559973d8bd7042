//go:build benchmattn && cgo

package main

// Why mattn has a binary of its own.
//
// github.com/mattn/go-sqlite3 and github.com/ncruces/go-sqlite3/driver both
// call sql.Register("sqlite3", ...) in their init functions, and
// database/sql panics on a second registration of a name: one binary that
// links both dies before main. Both packages let -ldflags -X rename or
// blank their name (mattn's driverName, ncruces' driver.driverName), but
// README's command is a plain `go run ./bench`, which passes no flags.
//
// So the harness is split by build tag. The default build (peer_pure.go,
// tag !benchmattn) holds sqlitekit, plain ncruces and modernc (which
// registers "sqlite": no clash). This file is compiled only with the
// benchmattn tag, and only with cgo; the default binary builds that
// variant of itself (go build -tags benchmattn,sqlite_fts5, see
// buildMattn) and runs mattn's workloads in it, as it runs every workload
// in a child process anyway. Without a C compiler the variant has no mattn
// peer, and the report says "n/a (built without cgo)".

import (
	"database/sql"
	"fmt"

	sqlite_vec "github.com/asg017/sqlite-vec-go-bindings/cgo"
	sqlite3 "github.com/mattn/go-sqlite3"
)

func init() {
	// sqlite-vec v0.1.6 (C), on every mattn connection: the peer of
	// sqlitekit's vec0 in the vector workloads.
	sqlite_vec.Auto()
	register(&peer{
		name:   "mattn",
		module: "github.com/mattn/go-sqlite3",
		open: func(path string, o openOptions) (*sql.DB, error) {
			dsn := "file:" + path
			if o.TxLock != "" {
				dsn += "?_txlock=" + o.TxLock
			}
			return sql.OpenDB(connector{dsn: dsn, drv: &sqlite3.SQLiteDriver{
				ConnectHook: func(c *sqlite3.SQLiteConn) error {
					for _, p := range pragmas {
						if _, err := c.Exec(fmt.Sprintf("PRAGMA %s=%s", p[0], p[1]), nil); err != nil {
							return err
						}
					}
					return nil
				},
			}}), nil
		},
		txlock:    "deferred",
		vectorSQL: "sqlite-vec's functions differ (NULL handling, JSON), so only its vec0 is measured",
		vfsStats:  "no I/O counters",
	})
}
