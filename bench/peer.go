package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"
)

// driverOrder is the order of the report's columns. ncruces, the engine
// sqlitekit is built on, used plainly, is the baseline every ratio divides by.
var driverOrder = []string{"ncruces", "sqlitekit", "mattn", "modernc"}

const baseline = "ncruces"

// pragmas are the settings every driver runs on every connection, so that
// only the driver differs. They are sqlitekit's defaults, spelled out. Each
// peer applies them the way its users do: the _pragma DSN parameter for
// ncruces, sqlitekit and modernc, a ConnectHook for mattn (whose DSN has no
// spelling for temp_store or journal_size_limit). busy_timeout comes first so
// that the switch to WAL already waits for a lock.
var pragmas = [][2]string{
	{"busy_timeout", "10000"},
	{"journal_mode", "wal"},
	{"synchronous", "normal"},
	{"foreign_keys", "on"},
	{"cache_size", "-20000"},
	{"temp_store", "memory"},
	{"journal_size_limit", "67108864"},
}

// pragmaText is the list of pragmas as the report prints it.
func pragmaText() string {
	var b strings.Builder
	for i, p := range pragmas {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%s", p[0], p[1])
	}
	return b.String()
}

// pragmaDSN is the query string with the pragmas as _pragma=name(value)
// parameters, understood by ncruces, sqlitekit and modernc alike.
func pragmaDSN(extra ...string) string {
	q := make([]string, 0, len(pragmas)+len(extra))
	for _, p := range pragmas {
		q = append(q, "_pragma="+url.QueryEscape(p[0]+"("+p[1]+")"))
	}
	q = append(q, extra...)
	return strings.Join(q, "&")
}

// openOptions are what a workload may ask of a peer besides the path.
type openOptions struct {
	// TxLock, if not empty, is the transaction mode of db.Begin
	// ("deferred", "immediate"); empty is the driver's default.
	TxLock string
}

// A peer is one driver as the bench uses it.
type peer struct {
	name string
	// module is the Go module of the driver, for the version in the report.
	module string
	open   func(path string, o openOptions) (*sql.DB, error)
	// txlock is the transaction mode db.Begin uses by default.
	txlock string
	// vectorSQL: the connection has vec_distance_cosine and friends.
	vectorSQL string // "" if it has them, else why not
	// vec0: the connection has sqlite-vec's vec0 virtual table
	// (sqlitekit's, or sqlite-vec's own C code for mattn).
	vec0 string // "" if it has it, else why not
	// fts5: the connection has FTS5 with the trigram tokenizer.
	fts5 string // "" if it has it, else why not
	// vfsStats: the driver counts I/O per file (sqlitekit's vfs).
	vfsStats string // "" if it does, else why not
	// stats returns fsyncs and bytes written of the database at path so
	// far; nil when vfsStats is not empty.
	stats func(path string) (syncs, bytesWritten uint64)
}

// peers are the drivers compiled into this binary, by name. Which ones
// are depends on build tags: see peer_pure.go and peer_mattn.go.
var peers = map[string]*peer{}

// noPeerReason says why a driver is missing from this binary.
var noPeerReason = map[string]string{}

func register(p *peer) { peers[p.name] = p }

// connector opens connections of a driver.Driver with a fixed DSN, so that
// a driver can be used through sql.OpenDB without sql.Register.
type connector struct {
	dsn string
	drv driver.Driver
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.drv }
