package driver

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ncruces/go-sqlite3"
	ncvfs "github.com/ncruces/go-sqlite3/vfs"
	_ "github.com/ncruces/go-sqlite3/vfs/memdb" // in-memory databases

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
type Driver struct {
	c *connector // the connector whose Driver this is (sql.DB.Driver), for StatsOf
}

var _ driver.DriverContext = Driver{}

// Open implements [database/sql/driver.Driver]: it opens one connection,
// with a connector of its own that is released when the connection
// closes. database/sql calls OpenConnector instead; wrappers of drivers
// (tracing, metrics) may call Open for every connection.
func (Driver) Open(dsn string) (driver.Conn, error) {
	cfg, err := pragma.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	c, err := newConnector(cfg, nil, true)
	if err != nil {
		return nil, err
	}
	conn, err := c.Connect(context.Background())
	c.Close() // released with conn, or now if it failed
	return conn, err
}

// OpenConnector implements [database/sql/driver.DriverContext]: it parses
// the DSN with [pragma.Parse], so a bad DSN fails at sql.Open.
func (Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := pragma.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	return newConnector(cfg, nil, true)
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
	// Zero means max(4, GOMAXPROCS), or 1 for a Config in EXCLUSIVE
	// locking mode, whose first connection keeps the database's locks
	// (with sql.Open, call db.SetMaxOpenConns(1) for that mode).
	// NewConnector ignores it.
	MaxOpenConns int
}

// Open opens a pool of connections configured by cfg, sized for SQLite:
// [Options.MaxOpenConns] connections, all kept open when idle and never
// recycled for age (an SQLite connection does not go stale, and a new one
// costs a fresh page cache).
//
// Like sql.Open, Open does not connect: the first query, or Ping, does.
func Open(cfg pragma.Config, opts *Options) (*sql.DB, error) {
	c, err := newConnector(cfg, opts, true)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	n := 0
	if opts != nil {
		n = opts.MaxOpenConns
	}
	switch {
	case n > 0:
	case cfg.LockingMode == pragma.LockingExclusive:
		n = 1 // the first connection keeps the locks: no other could open
	default:
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
// Several *sql.DB may share one connector. Closing one of them
// (sql.DB.Close closes the connector) never takes the database from the
// others: for an in-memory database, the connector keeps the database
// until it is no longer reachable (garbage collected), since it cannot
// know which of its *sql.DB is the last. [Open] and sql.Open make a
// connector per *sql.DB, which releases an in-memory database when the
// *sql.DB closes.
func NewConnector(cfg pragma.Config, opts *Options) (driver.Connector, error) {
	c, err := newConnector(cfg, opts, false)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// newConnector makes a connector; owned says it serves one *sql.DB (or
// one connection of Driver.Open), whose Close is the last.
func newConnector(cfg pragma.Config, opts *Options, owned bool) (*connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	if err := checkPathLen(cfg.Path, !isMemory(cfg)); err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	c := &connector{cfg: cfg, pragmas: cfg.Pragmas(), owned: owned}
	if opts != nil {
		c.init = opts.ConnInit
	}
	c.tmRead, c.tmWrite = timeFormats(cfg)
	c.flags = sqlite3.OPEN_URI
	switch cfg.Mode {
	case pragma.ModeReadOnly:
		c.flags |= sqlite3.OPEN_READONLY
	case pragma.ModeReadWrite:
		c.flags |= sqlite3.OPEN_READWRITE
	default:
		c.flags |= sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE
	}

	c.vfs = cfg.VFS
	if isMemory(cfg) {
		if c.vfs != "" && c.vfs != "memdb" {
			return nil, fmt.Errorf("sqlitekit: vfs: an in-memory database uses the memdb VFS, not %q", cfg.VFS)
		}
		// One memdb database, shared by every connection of the pool:
		// named after the user's name where it is shared by name (a
		// memdb name with a leading slash, mode=memory with a name),
		// else uniquely for this connector.
		switch {
		case cfg.VFS == "memdb" && strings.HasPrefix(cfg.Path, "/"):
			c.memName = cfg.Path
		case cfg.Mode == pragma.ModeMemory && cfg.Path != ":memory:":
			c.memName = "/" + strings.TrimPrefix(cfg.Path, "/")
		default:
			c.memName = "/sqlitekit-memory-" + rand.Text()
		}
		c.vfs, c.memory = "memdb", true
		c.flags = sqlite3.OPEN_URI | sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE
		c.name = uriName(c.memName) + "?vfs=memdb"
	} else {
		if c.vfs == "" {
			c.vfs = vfs.Name // the OS VFS, counted
		}
		// The full name, resolved once by the VFS as SQLite resolves it
		// at each open: a relative path names the file it named here,
		// for every connection, even after the program changes its
		// working directory. A name the VFS cannot resolve yet (its
		// directory does not exist) is left as it is, for the open to
		// resolve or fail on; the OS VFS gives the full name with an
		// error when it resolved a symbolic link (SQLITE_OK_SYMLINK).
		c.path = cfg.Path
		if v := ncvfs.Find(c.vfs); v != nil {
			if full, _ := v.FullPathname(cfg.Path); full != "" {
				c.path = full
			}
		}
		if c.path != cfg.Path { // a symbolic link may name a longer one
			if err := checkPathLen(c.path, true); err != nil {
				return nil, fmt.Errorf("sqlitekit: %w", err)
			}
		}
		c.name = fileURI(c.path, c.vfs, cfg.Immutable)
	}
	c.osVFS = c.vfs == vfs.Name || c.vfs == "os"

	// Automatic checkpoints off the write path, for WAL databases:
	// wal_autocheckpoint's size, SQLite's 1000 pages if not set, none if
	// negative.
	if !c.memory && cfg.JournalMode == pragma.JournalWAL && cfg.WALAutocheckpoint >= 0 {
		c.ckptPages = cfg.WALAutocheckpoint
		if c.ckptPages == 0 {
			c.ckptPages = 1000
		}
	}
	if err := c.start(); err != nil {
		return nil, err
	}
	if c.memory && !owned {
		// Shared by pools that cannot be counted: the database goes
		// with the connector.
		runtime.AddCleanup(c, func(m *memoryHold) { m.release() }, &memoryHold{c.keeper, c.mem})
		c.keeper, c.dbs = nil, nil
	}
	return c, nil
}

// memoryHold is what a shared in-memory connector holds until it is
// garbage.
type memoryHold struct {
	keeper *sqlite3.Conn
	db     *database
}

func (m *memoryHold) release() {
	m.keeper.Close()
	m.db.release()
}

func isMemory(cfg pragma.Config) bool {
	return cfg.Path == ":memory:" || cfg.Mode == pragma.ModeMemory || cfg.VFS == "memdb"
}

// fileURI returns the URI that opens the database file at path on the
// VFS named vfs: the file name, the VFS and immutable, and nothing the
// engine would run (no _pragma).
func fileURI(path, vfs string, immutable bool) string {
	name := uriName(path) + "?vfs=" + uriEscape(vfs, "&#+=")
	if immutable {
		name += "&immutable=1"
	}
	return name
}

// uriName returns the "file:" URI of the name path, without parameters:
// every byte the engine's URI parser would read as more than a byte of
// the name (%, ?, #, control bytes) %-escaped, so that the engine opens
// path as it is.
func uriName(path string) string {
	if strings.HasPrefix(path, "//") {
		// An empty URI authority keeps the path's slashes.
		return "file://" + uriEscape(path, "?#")
	}
	return "file:" + uriEscape(path, "?#")
}

// uriEscape returns s with '%', the bytes in special, control bytes and
// bytes outside ASCII %-escaped.
func uriEscape(s, special string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch == '%' || ch < 0x20 || ch >= 0x7f || strings.IndexByte(special, ch) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		} else {
			b.WriteByte(ch)
		}
	}
	return b.String()
}

type connector struct {
	cfg       pragma.Config
	pragmas   []pragma.Pragma // what each connection runs, in order
	name      string          // the URI sqlite3.OpenFlags gets
	path      string          // the file's full name (cfg.Path resolved by the VFS)
	flags     sqlite3.OpenFlag
	vfs       string // the VFS the database is on
	osVFS     bool   // the OS VFS (sqlitekit's, counted, or "os")
	memory    bool
	memName   string    // the memdb name of an in-memory database
	mem       *database // an in-memory database, held from start
	last      *database // the database of the last connection, for StatsOf
	init      func(*sqlite3.Conn) error
	tmRead    timeReader
	tmWrite   sqlite3.TimeFormat
	stats     cacheStats
	ckptPages int         // the automatic checkpoint size; 0: SQLite checkpoints by itself, or not at all
	owned     bool        // c serves one *sql.DB, or one connection of Driver.Open
	leftOpen  atomic.Bool // a connection went back to the pool inside a transaction begun with SQL: see conn.ready

	mu     sync.Mutex
	conns  int  // connections open
	closed bool // Close was called
	active bool // start ran and finish has not
	keeper *sqlite3.Conn
	ckpt   *checkpointer
	dbs    map[dbid.ID]*database // the databases the pool opened, held until finish
}

var _ driver.Connector = (*connector)(nil)

func (c *connector) Driver() driver.Driver { return Driver{c: c} }

// start readies the connector for connections: the checkpointer, and the
// keeper that holds an in-memory database while connections come and go.
// c.mu is held, or c is new.
func (c *connector) start() error {
	if c.memory {
		keeper, err := sqlite3.OpenFlags(c.name, c.flags)
		if err != nil {
			return fmt.Errorf("sqlitekit: open in-memory database: %w", err)
		}
		c.keeper = keeper
		c.mem = c.holdLocked(dbid.OfName("memdb", c.memName), "")
		c.last = c.mem
	}
	if c.ckptPages > 0 {
		c.ckpt = newCheckpointer(c.openConn, c.ckptPages)
	}
	c.active = true
	return nil
}

// finish releases what start made and what the pool holds; c.mu is held.
func (c *connector) finish() error {
	c.active = false
	if c.ckpt != nil {
		c.ckpt.close()
		c.ckpt = nil
	}
	c.releaseAll()
	err := c.keeper.Close()
	c.keeper = nil
	return err
}

// Close releases an in-memory database, the checkpointer and what the
// process keeps per database for the pool, once the last connection is
// closed; sql.DB.Close calls it. A connector may serve several sql.DBs:
// it may be closed more than once, and it connects again after a Close
// (see NewConnector for an in-memory database).
func (c *connector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.memory && !c.owned {
		return nil // see NewConnector
	}
	c.closed = true
	if c.conns == 0 && c.active {
		return c.finish()
	}
	return nil
}

// connClosed is called when one of c's connections has closed.
func (c *connector) connClosed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conns--; c.conns == 0 && c.closed && c.active {
		return c.finish()
	}
	return nil
}

// Connect opens one connection: the file, its PRAGMAs, the extensions,
// then the user's ConnInit. What the connection is (whether it can write,
// its database's identity) is learned here, once.
func (c *connector) Connect(ctx context.Context) (_ driver.Conn, err error) {
	c.mu.Lock()
	if !c.active {
		if c.memory {
			c.mu.Unlock()
			return nil, fmt.Errorf("sqlitekit: open %s: the in-memory database was released when its last pool closed", c.cfg.Path)
		}
		if err := c.start(); err != nil {
			c.mu.Unlock()
			return nil, err
		}
	}
	c.conns++
	ckpt := c.ckpt
	c.mu.Unlock()
	defer func() {
		if err != nil {
			c.connClosed()
		}
	}()

	db, readOnly, err := c.open(ctx)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, sqlite3.INTERRUPT) {
			err = fmt.Errorf("%w: %w", ctx.Err(), err) // stopped by ctx: match both
		}
		return nil, fmt.Errorf("sqlitekit: open %s: %w", c.cfg.Path, err)
	}
	defer func() {
		if r := recover(); r != nil { // ncruces' out of memory panic: see nomem.go
			e := engineFault(r)
			if e == nil {
				panic(r)
			}
			err = fmt.Errorf("sqlitekit: open %s: %w", c.cfg.Path, e)
		}
		if err != nil {
			quietly(db.Close)
		}
	}()
	guard := new(txGuard)
	db.CommitHook(guard.hook) // before ConnInit, which may set a hook of its own

	linked := false // the extensions are registered on demand: see extensions.go
	if c.init != nil {
		if err := registerAll(db); err != nil { // ConnInit sees them
			return nil, err
		}
		linked = true
		if err := c.init(db); err != nil {
			return nil, fmt.Errorf("sqlitekit: ConnInit: %w", err)
		}
	}
	d := c.mem
	if !c.memory {
		var id dbid.ID
		path := db.Filename("main").String()
		if id, err = dbid.Of(path); err != nil {
			if c.osVFS {
				return nil, fmt.Errorf("sqlitekit: open %s: %w", c.cfg.Path, err)
			}
			id = dbid.OfName(c.vfs, path) // a VFS whose names are not files
		}
		d = c.hold(id, path)
	}
	if ckpt != nil && !readOnly {
		db.WALHook(ckpt.hook)
	}
	cn := newConn(db, c, d, readOnly)
	cn.linked, cn.guard = linked, guard
	return cn, nil
}

// open opens a connection and applies the PRAGMAs, and reports whether
// the connection cannot write. The first switch of a new database to WAL
// needs an exclusive lock, and SQLite does not call the busy handler for
// it: when connections of several pools or processes open a new
// database at once, all but one fail with SQLITE_BUSY. open retries
// those, within the busy timeout.
func (c *connector) open(ctx context.Context) (db *sqlite3.Conn, readOnly bool, err error) {
	defer func() { // ncruces' out of memory panic: see nomem.go
		if r := recover(); r != nil {
			if err = engineFault(r); err == nil {
				panic(r)
			}
			db = nil
		}
	}()
	deadline := time.Now().Add(c.cfg.BusyTimeout)
	for {
		db, readOnly, err = c.try(ctx)
		if err == nil || !errors.Is(err, sqlite3.BUSY) || time.Now().After(deadline) {
			return db, readOnly, err
		}
		select {
		case <-ctx.Done():
			return nil, false, errors.Join(ctx.Err(), err)
		case <-time.After(time.Millisecond + mrand.N(4*time.Millisecond)):
		}
	}
}

// openConn opens a connection with its PRAGMAs, for the checkpointer.
func (c *connector) openConn() (*sqlite3.Conn, error) {
	db, _, err := c.open(context.Background())
	return db, err
}

// try opens the file with the connector's open flags and applies its
// PRAGMAs, in order; an error names the PRAGMA that failed, unless the
// cause is the file itself.
func (c *connector) try(ctx context.Context) (_ *sqlite3.Conn, readOnly bool, err error) {
	db, err := sqlite3.OpenFlags(c.name, c.flags)
	if err != nil && errors.Is(err, sqlite3.CANTOPEN) && c.flags&sqlite3.OPEN_READWRITE != 0 && !c.memory {
		// A file this process may read but not write opens read-only,
		// as C SQLite opens it; writes then fail with SQLITE_READONLY.
		if _, serr := os.Stat(c.path); serr == nil {
			if ro, rerr := sqlite3.OpenFlags(c.name, sqlite3.OPEN_URI|sqlite3.OPEN_READONLY); rerr == nil {
				db, err = ro, nil
			}
		}
	}
	if err != nil {
		return nil, false, err
	}
	defer func() {
		if err != nil {
			db.Close()
			db = nil
		}
	}()
	old := db.SetInterrupt(ctx)
	defer db.SetInterrupt(old)

	// Whether the connection can write is known before the PRAGMAs
	// run, except for query_only, which runs last.
	ro, _ := db.ReadOnly("main")
	readOnly = ro || c.cfg.Mode == pragma.ModeReadOnly || c.cfg.Immutable
	for _, p := range c.pragmas {
		if p.Name == "journal_mode" {
			if err := c.journalMode(db, p.Value, readOnly); err != nil {
				return nil, false, err
			}
			continue
		}
		q := "PRAGMA " + p.Name
		if p.Value != "" {
			q += "=" + p.Value
		}
		if p.Name == "key" || p.Name == "hexkey" || p.Name == "textkey" {
			// An encrypting VFS (adiantum, xts) answers "ok"; every other
			// ignores the key, and the file would be written in clear.
			if got, err := pragmaText(db, p.Name+"="+p.Value); err != nil {
				return nil, false, pragmaError(p, err)
			} else if got != "ok" {
				return nil, false, fmt.Errorf("PRAGMA %s: the VFS %q does not encrypt, and would write the database in clear text: open it with an encrypting VFS (vfs=adiantum or vfs=xts)", p.Name, c.vfs)
			}
			continue
		}
		if err := db.Exec(q); err != nil {
			return nil, false, pragmaError(p, err)
		}
	}
	return db, readOnly || c.cfg.QueryOnly, nil
}

// journalMode sets the journal mode, and checks that it took. A
// connection that cannot write, or an in-memory database, uses the mode
// the database has (it cannot change it); a VFS other than the OS one,
// the mode it supports.
func (c *connector) journalMode(db *sqlite3.Conn, want string, readOnly bool) error {
	if readOnly || c.memory {
		return nil
	}
	got, err := pragmaText(db, "journal_mode="+want)
	if err != nil {
		return pragmaError(pragma.Pragma{Name: "journal_mode", Value: want}, err)
	}
	if got != want && c.osVFS {
		return fmt.Errorf("journal_mode: asked for %s, the database is in %s mode (a VFS without shared memory?)", want, got)
	}
	return nil
}

// pragmaError names the PRAGMA p in err, but never its value (it may be
// a key), nor when the cause is that the file is not a database.
func pragmaError(p pragma.Pragma, err error) error {
	if errors.Is(err, sqlite3.NOTADB) {
		return err
	}
	return fmt.Errorf("PRAGMA %s: %w", p.Name, err)
}

// pragmaText runs a PRAGMA and returns its value, as text.
func pragmaText(db *sqlite3.Conn, pragma string) (string, error) {
	s, _, err := db.Prepare("PRAGMA " + pragma)
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

// busyTimeout returns db's busy timeout, as SQLite has it.
func busyTimeout(db *sqlite3.Conn) (time.Duration, error) {
	v, err := pragmaText(db, "busy_timeout")
	if err != nil {
		return 0, err
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	return time.Duration(ms) * time.Millisecond, err
}
