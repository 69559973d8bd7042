package driver

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	"github.com/ncruces/go-sqlite3/ext/vec1"
	_ "github.com/ncruces/go-sqlite3/vfs/memdb" // in-memory databases

	"github.com/sqlitekit/sqlitekit/ext/trigram"
	"github.com/sqlitekit/sqlitekit/ext/vector"
	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/pragma"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// Name is the name under which the driver registers with database/sql.
const Name = "sqlitekit"

func init() {
	sql.Register(Name, Driver{})
}

// Driver is the sqlitekit [database/sql/driver.Driver]. Its zero value is
// ready to use; package init registers one as "sqlitekit".
type Driver struct{}

var _ driver.DriverContext = Driver{}

// Open implements [database/sql/driver.Driver].
// database/sql calls OpenConnector instead.
func (Driver) Open(dsn string) (driver.Conn, error) {
	c, err := Driver{}.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector implements [database/sql/driver.DriverContext]: it parses
// the DSN with [pragma.Parse], so a bad DSN fails at sql.Open.
func (Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := pragma.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	return NewConnector(cfg, nil)
}

// Options are what [Open] and [NewConnector] take besides a
// [pragma.Config]. A nil *Options means the zero Options.
type Options struct {
	// ConnInit, if not nil, runs on every new connection after its
	// PRAGMAs and sqlitekit's extensions are set up: register your own
	// SQL functions, collations or virtual tables here.
	// An error fails the connection.
	ConnInit func(*sqlite3.Conn) error

	// MaxOpenConns is the pool size [Open] sets: one connection writes
	// at a time (SQLite has one write lock), the others read.
	// Zero means max(4, GOMAXPROCS). NewConnector ignores it.
	MaxOpenConns int
}

// Open opens a pool of connections configured by cfg, sized for SQLite:
// [Options.MaxOpenConns] connections, all kept open when idle and never
// recycled for age (an SQLite connection does not go stale, and a new one
// costs a fresh page cache).
//
// Like sql.Open, Open does not connect: the first query, or Ping, does.
func Open(cfg pragma.Config, opts *Options) (*sql.DB, error) {
	c, err := NewConnector(cfg, opts)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	n := 0
	if opts != nil {
		n = opts.MaxOpenConns
	}
	if n <= 0 {
		n = max(4, runtime.GOMAXPROCS(0))
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// NewConnector returns a [database/sql/driver.Connector] for
// [database/sql.OpenDB], configured by cfg. It fails if cfg is not valid.
//
// The connector of an in-memory database holds the database until the
// *sql.DB that uses it is closed.
func NewConnector(cfg pragma.Config, opts *Options) (driver.Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	c := &connector{cfg: cfg}
	if opts != nil {
		c.init = opts.ConnInit
	}
	c.tmRead, c.tmWrite = timeFormats(cfg)

	open := cfg
	if isMemory(cfg) {
		if cfg.VFS != "" && cfg.VFS != "memdb" {
			return nil, fmt.Errorf("sqlitekit: vfs: an in-memory database uses the memdb VFS, not %q", cfg.VFS)
		}
		// One memdb database, named uniquely for this connector or after
		// the user's name, shared by every connection of the pool.
		if cfg.Mode == pragma.ModeMemory && cfg.Path != ":memory:" {
			open.Path = "/" + strings.TrimPrefix(cfg.Path, "/")
		} else {
			open.Path = "/sqlitekit-memory-" + rand.Text()
		}
		open.VFS, open.Mode = "memdb", ""
		open.JournalMode = "" // memdb journals in memory; there is no WAL
		c.memory = true
	}
	if !c.memory && open.VFS == "" {
		open.VFS = vfs.Name // the OS VFS, counted
	}
	c.dsn = open.String()
	c.memName = open.Path

	// Automatic checkpoints off the write path, for WAL databases:
	// wal_autocheckpoint's size, SQLite's 1000 pages if not set, none if
	// negative.
	if !c.memory && cfg.JournalMode == pragma.JournalWAL && cfg.WALAutocheckpoint >= 0 {
		pages := cfg.WALAutocheckpoint
		if pages == 0 {
			pages = 1000
		}
		c.ckpt = newCheckpointer(c.dsn, pages)
	}

	if c.memory {
		// The keeper holds the database while connections come and go.
		keeper, err := sqlite3.Open(c.dsn)
		if err != nil {
			return nil, fmt.Errorf("sqlitekit: open in-memory database: %w", err)
		}
		c.keeper = keeper
	}
	return c, nil
}

func isMemory(cfg pragma.Config) bool {
	return cfg.Path == ":memory:" || cfg.Mode == pragma.ModeMemory
}

type connector struct {
	cfg     pragma.Config
	dsn     string // what sqlite3.Open gets: cfg, or its memdb twin
	init    func(*sqlite3.Conn) error
	tmRead  timeReader
	tmWrite sqlite3.TimeFormat
	memory  bool
	memName string // the memdb name of an in-memory database
	keeper  *sqlite3.Conn
	stats   cacheStats
	ckpt    *checkpointer // nil: SQLite checkpoints by itself, or not at all

	mu  sync.Mutex
	dbs map[dbid.ID]*database // the databases the pool opened, held until Close
}

var _ driver.Connector = (*connector)(nil)

func (c *connector) Driver() driver.Driver { return Driver{} }

// Close releases an in-memory database, and what the process keeps per
// database for the pool; sql.DB.Close calls it.
func (c *connector) Close() error {
	if c.ckpt != nil {
		c.ckpt.close()
	}
	c.releaseAll()
	if c.keeper == nil {
		return nil
	}
	err := c.keeper.Close()
	c.keeper = nil
	return err
}

// Connect opens one connection: the file, the PRAGMAs in the DSN order
// (busy timeout first), a check that the journal mode took, the
// extensions, then the user's ConnInit.
func (c *connector) Connect(ctx context.Context) (_ driver.Conn, err error) {
	db, err := c.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: open %s: %w", c.cfg.Path, err)
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	if want := c.cfg.JournalMode; want != "" && !c.memory {
		if got, err := pragmaText(db, "journal_mode"); err != nil {
			return nil, fmt.Errorf("sqlitekit: open %s: %w", c.cfg.Path, err)
		} else if got != string(want) {
			return nil, fmt.Errorf("sqlitekit: open %s: journal_mode: asked for %s, the database is in %s mode (read-only, or a VFS without shared memory?)", c.cfg.Path, want, got)
		}
	}
	if err := errors.Join(fts5.Register(db), vec1.Register(db), vector.Register(db), trigram.Register(db)); err != nil {
		return nil, fmt.Errorf("sqlitekit: register extensions: %w", err)
	}
	if c.init != nil {
		if err := c.init(db); err != nil {
			return nil, fmt.Errorf("sqlitekit: ConnInit: %w", err)
		}
	}
	var d *database
	if c.memory {
		d = c.hold(dbid.Memory(c.memName), "")
	} else {
		path := db.Filename("main").String()
		id, err := dbid.Of(path)
		if err != nil {
			return nil, fmt.Errorf("sqlitekit: open %s: %w", c.cfg.Path, err)
		}
		d = c.hold(id, path)
	}
	if c.ckpt != nil {
		db.WALHook(c.ckpt.hook)
	}
	return newConn(db, c, d.queue), nil
}

// open opens the file and runs the PRAGMAs. The first switch of a new
// database to WAL needs an exclusive lock, and SQLite does not call the
// busy handler for it: when connections of several pools or processes
// open a new database at once, all but one fail with SQLITE_BUSY. open
// retries those, within the busy timeout.
func (c *connector) open(ctx context.Context) (*sqlite3.Conn, error) {
	deadline := time.Now().Add(c.cfg.BusyTimeout)
	for {
		db, err := sqlite3.OpenContext(ctx, c.dsn)
		if err == nil || !errors.Is(err, sqlite3.BUSY) || time.Now().After(deadline) {
			return db, err
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), err)
		case <-time.After(time.Millisecond + mrand.N(4*time.Millisecond)):
		}
	}
}

// pragmaText returns the value of a PRAGMA, as text.
func pragmaText(db *sqlite3.Conn, name string) (string, error) {
	s, _, err := db.Prepare("PRAGMA " + name)
	if err != nil {
		return "", err
	}
	defer s.Close()
	var v string
	if s.Step() {
		v = s.ColumnText(0)
	}
	return v, s.Err()
}
