package driver

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Migration is one step of a database schema's history. [Migrate]
// applies step i (counting from 0) to a database whose PRAGMA
// user_version is i, and leaves it at version i+1.
//
// A step runs either SQL text or a Go function. Once released, a step
// must never change: databases that already ran it will not run it again.
type Migration struct {
	// Name names the step in errors, such as the file it was loaded from
	// ("003_add_index.sql"). Empty, errors name the step by index only.
	Name string

	// SQL is the script the step runs: one or more statements separated
	// by semicolons. It is ignored when Func is not nil. A step with
	// neither (SQL empty, or only spaces and comments, and no Func) is
	// refused when it would run: an empty file is more likely a mistake
	// than a step.
	SQL string

	// Func, if not nil, runs the step in Go, inside the step's
	// transaction. It must do all its work through tx.
	Func func(ctx context.Context, tx *sql.Tx) error

	// ForeignKeysOff runs the step with foreign key enforcement off, as
	// SQLite's 12-step procedure for changing a table's definition
	// requires (see the package documentation, "# Storage helpers").
	// PRAGMA foreign_keys cannot change inside a transaction, so Migrate
	// turns it off on its connection before BEGIN, runs PRAGMA
	// foreign_key_check before COMMIT (any violation fails the step and
	// rolls it back), and restores the setting after the step.
	//
	// https://sqlite.org/lang_altertable.html#otheralter
	ForeignKeysOff bool
}

// ErrNewerDatabase is returned (wrapped, with both versions in the
// message) by [Migrate] for a database whose user_version is higher than
// the number of migrations: the database was written by newer code.
var ErrNewerDatabase = errors.New("the database is newer than this program")

// Migrate brings db up to date: it applies, in order, every migration the
// database has not run yet, as recorded by PRAGMA user_version (0 for a
// new database).
//
// Each step runs in its own write transaction, begun with BEGIN
// IMMEDIATE, and the user_version bump commits with it: a step is either
// applied and counted or not at all. A failing step is rolled back, the
// steps before it stay applied, and the error names it:
//
//	sqlitekit: migrations[2] "003_add_index.sql": no such table: users
//
// Several processes (or *sql.DB) may migrate the same database at once:
// each re-reads user_version after it holds the write lock and skips
// what another applied, so every step runs exactly once. A database whose
// version is higher than len(migrations) is refused with an error that
// matches [ErrNewerDatabase] and says both versions.
//
// A step must not begin, end or release the transaction Migrate runs it
// in: a COMMIT, END, ROLLBACK or BEGIN in a step (SQL or Go) is refused
// before it runs, with an error naming the step and the statement, the
// step is rolled back and the database stays at the previous version.
// So is a step that sets PRAGMA journal_mode or foreign_keys, which
// SQLite cannot change inside a transaction (it ignores the change
// without a word, or fails): set those outside Migrate, or use
// [Migration].ForeignKeysOff.
// Migrate enforces this with an SQLite authorizer on its connection for
// the time of each step; an authorizer that [Options.ConnInit] set on
// that connection is lost with it. Since a step may also change its
// connection (PRAGMA query_only or busy_timeout, an ATTACH, TEMP tables),
// Migrate closes the connection it ran steps on instead of returning it
// to the pool.
//
// The BEGIN IMMEDIATE that makes migrating safe comes from asking
// database/sql for sql.LevelSerializable, which the sqlitekit driver
// maps to BEGIN IMMEDIATE whatever _txlock says.
//
// https://sqlite.org/pragma.html#pragma_user_version
func Migrate(ctx context.Context, db *sql.DB, migrations []Migration) error {
	if err := cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil(dbArg, db)); err != nil {
		return fmt.Errorf("sqlitekit: migrate: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlitekit: migrate: %w", err)
	}
	defer conn.Close()

	want := len(migrations)
	v, err := userVersion(ctx, conn)
	if err != nil {
		return fmt.Errorf("sqlitekit: migrate: %w", err)
	}
	if v < want {
		defer dropConn(conn)
	}
	for v < want {
		if v < 0 {
			return fmt.Errorf("sqlitekit: migrate: user_version is %d, not a migration count", v)
		}
		if v, err = migrateStep(ctx, conn, migrations, v); err != nil {
			return err
		}
	}
	if v > want {
		return newerError(v, want)
	}
	return nil
}

func newerError(have, want int) error {
	return fmt.Errorf("sqlitekit: migrate: %w: it is at version %d, this program knows migrations up to version %d", ErrNewerDatabase, have, want)
}

// migrateStep applies migrations[i] if the database is still at version
// i once the write lock is held, and returns the version it leaves.
func migrateStep(ctx context.Context, conn *sql.Conn, migrations []Migration, i int) (version int, err error) {
	m := migrations[i]
	name := fmt.Sprintf("migrations[%d]", i)
	if m.Name != "" {
		name += " " + strconv.Quote(m.Name)
	}
	fail := func(err error) (int, error) {
		return i, fmt.Errorf("sqlitekit: %s: %w", name, err)
	}
	if m.Func == nil && strings.TrimSpace(m.SQL) == "" { // an empty file is a mistake more likely than a step
		return fail(errors.New("the step has no SQL and no Func"))
	}

	if m.ForeignKeysOff {
		var fk int
		if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			return fail(err)
		}
		if fk != 0 {
			if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys=OFF"); err != nil {
				return fail(err)
			}
			defer func() {
				// Restore even when ctx is done: the connection goes back
				// to the pool.
				_, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys=ON")
				if rerr != nil && err == nil {
					version, err = fail(fmt.Errorf("restore foreign_keys: %w", rerr))
				}
			}()
		}
	}

	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback() // a no-op after Commit

	// The write lock is held: another process may have got here first.
	var cur int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return fail(err)
	}
	if cur != i {
		if cur > len(migrations) {
			return cur, newerError(cur, len(migrations))
		}
		return cur, nil
	}

	g, err := guardStep(ctx, conn)
	if err != nil {
		return fail(err)
	}
	defer g.abort() // before the deferred Rollback, which the guard would refuse
	if m.Func != nil {
		err = g.explain(m.Func(ctx, tx))
	} else {
		err = g.run(ctx, m.SQL)
	}
	if err != nil {
		return fail(err)
	}
	if err := g.remove(); err != nil {
		return fail(err)
	}
	if m.ForeignKeysOff {
		if err := foreignKeysOK(ctx, tx); err != nil {
			return fail(err)
		}
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(i+1)); err != nil {
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return i + 1, nil
}

// stepGuard refuses, for the time of a step, the statements that would
// begin, end or release the transaction Migrate runs the step in, with an
// authorizer on the step's connection: SQLite calls it as it compiles
// each statement, whatever its spelling, comments or case, and a denied
// statement fails before it runs. Changing the authorizer expires the
// connection's prepared statements, so cached ones are compiled, and
// checked, again.
type stepGuard struct {
	ctx    context.Context
	conn   *sql.Conn
	denied string // why a statement was refused, following "statement N, "text", "
	on     bool
}

func guardStep(ctx context.Context, conn *sql.Conn) (*stepGuard, error) {
	g := &stepGuard{ctx: ctx, conn: conn}
	err := withRawConn(ctx, conn, func(c *sqlite3.Conn) error {
		return c.SetAuthorizer(func(action sqlite3.AuthorizerActionCode, op, value, _, _ string) sqlite3.AuthorizerReturnCode {
			switch {
			case action == sqlite3.AUTH_TRANSACTION:
				g.denied = "would " + op + " the transaction Migrate runs the step in; a step must not begin, end or release it"
				return sqlite3.AUTH_DENY
			case action == sqlite3.AUTH_PRAGMA && value != "" && noTxPragma(op):
				g.denied = "sets PRAGMA " + strings.ToLower(op) + ", which SQLite cannot change inside the transaction Migrate runs the step in (it would ignore it, or fail)" + noTxPragmaHint(op)
				return sqlite3.AUTH_DENY
			}
			return sqlite3.AUTH_OK
		})
	})
	g.on = err == nil
	return g, err
}

// noTxPragma reports whether the PRAGMA name cannot be set inside a
// transaction: SQLite ignores foreign_keys there, and ignores or refuses
// a change of journal_mode.
//
// https://sqlite.org/pragma.html#pragma_foreign_keys
// https://sqlite.org/pragma.html#pragma_journal_mode
func noTxPragma(name string) bool {
	return strings.EqualFold(name, "journal_mode") || strings.EqualFold(name, "foreign_keys")
}

// noTxPragmaHint says what to do instead of the PRAGMA name in a step.
func noTxPragmaHint(name string) string {
	if strings.EqualFold(name, "foreign_keys") {
		return ": set Migration.ForeignKeysOff for a step that needs foreign keys off"
	}
	return ": change it before or after Migrate, or in the DSN"
}

// remove removes the authorizer; it may be called again.
func (g *stepGuard) remove() error {
	if !g.on {
		return nil
	}
	g.on = false
	return withRawConn(context.WithoutCancel(g.ctx), g.conn, func(c *sqlite3.Conn) error {
		return c.SetAuthorizer(nil)
	})
}

// abort removes the authorizer of a step that failed, and rolls back its
// transaction if the step's tx.Commit or tx.Rollback, refused, left it
// open.
func (g *stepGuard) abort() {
	if !g.on {
		return
	}
	g.on = false
	_ = withRawConn(context.WithoutCancel(g.ctx), g.conn, func(c *sqlite3.Conn) error {
		err := c.SetAuthorizer(nil)
		if !c.GetAutocommit() {
			err = errors.Join(err, c.Exec("ROLLBACK"))
		}
		return err
	})
}

// explain returns the error of a step, which fails if the guard refused
// one of its statements even if the step ignored the error.
func (g *stepGuard) explain(err error) error {
	if g.denied == "" {
		return err
	}
	msg := "a statement of the step " + g.denied
	if err == nil {
		return errors.New(msg)
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// run runs script, one statement after another, on the step's
// connection, inside its transaction. A refused statement is named by its
// number in the script and its text.
func (g *stepGuard) run(ctx context.Context, script string) error {
	if err := nulFree(script); err != nil {
		return err
	}
	return withRawConn(ctx, g.conn, func(c *sqlite3.Conn) error {
		for n := 1; ; n++ {
			s, tail, err := c.Prepare(script)
			if g.denied != "" {
				return fmt.Errorf("statement %d, %q, %s", n, truncate(script), g.denied)
			}
			if err != nil {
				return err
			}
			if s == nil { // nothing left but spaces or comments
				if n == 1 { // a placeholder is more likely a mistake than a step
					return errors.New("the step's SQL has no statement, only comments")
				}
				return nil
			}
			if s.BindCount() != 0 { // it would run with NULL there
				name := s.BindName(1)
				if name == "" {
					name = "?"
				}
				s.Close()
				return fmt.Errorf("statement %d, %q, has a parameter (%s): a step's SQL takes no arguments; write the value in the SQL, or use Func", n, truncate(script), name)
			}
			err = errors.Join(s.Exec(), s.Close())
			if err != nil {
				return err
			}
			script = tail
		}
	})
}

// dropConn closes conn's connection instead of returning it to the
// pool: a step may have changed what the pool relies on (PRAGMA
// query_only, busy_timeout or cache_size, an ATTACH, TEMP objects), and
// Migrate removed any authorizer that Options.ConnInit set on it. The
// pool opens a new connection, configured, when it needs one.
func dropConn(sc *sql.Conn) {
	_ = sc.Raw(func(dc any) error {
		if _, ok := dc.(*conn); ok {
			return driver.ErrBadConn
		}
		return nil
	})
}

// userVersion reads PRAGMA user_version.
func userVersion(ctx context.Context, conn *sql.Conn) (int, error) {
	var v int
	err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// foreignKeysOK runs PRAGMA foreign_key_check and fails if it reports a
// violation.
func foreignKeysOK(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	defer rows.Close()
	n := 0
	var first string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("foreign_key_check: %w", err)
		}
		if n == 0 {
			first = fmt.Sprintf("%s row %d references a missing row of %s", table, rowid.Int64, parent)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("foreign_key_check: %d violation(s), the first: %s", n, first)
	}
	return nil
}

// ForeignKeysOffDirective is the line that, anywhere in a migration
// file, makes [LoadMigrations] set [Migration.ForeignKeysOff].
const ForeignKeysOffDirective = "-- sqlitekit:foreign_keys=off"

// LoadMigrations reads the migrations in directory dir of fsys (use "."
// for its root), typically an [embed.FS]:
//
//	//go:embed migrations/*.sql
//	var files embed.FS
//
//	steps, err := driver.LoadMigrations(files, "migrations")
//
// Every file whose name ends in ".sql" (or ".SQL") is one step; its name must begin
// with the step's number, counting from 1 ("001_create_users.sql",
// "2-add-index.sql"), and the numbers must run from 1 to the number of
// files without a gap or a repeat. Other files are ignored. A file with
// the line [ForeignKeysOffDirective] (in any case and spacing) runs with
// foreign keys off; a line comment that begins "-- sqlitekit:" and sets
// something ("=", "foreign", "fk") but is not that directive is an
// error. A byte order mark at the start of a file is removed.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlitekit: load migrations: %w", err)
	}
	type file struct {
		n    int
		name string
	}
	var files []file
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(path.Ext(e.Name()), ".sql") {
			continue
		}
		name := e.Name()
		digits := len(name) - len(strings.TrimLeft(name, "0123456789"))
		n, err := strconv.Atoi(name[:digits])
		if digits == 0 || err != nil {
			return nil, fmt.Errorf("sqlitekit: load migrations: %q does not begin with a step number", name)
		}
		files = append(files, file{n, name})
	}
	slices.SortFunc(files, func(a, b file) int { return a.n - b.n })
	steps := make([]Migration, len(files))
	for i, f := range files {
		if f.n != i+1 {
			if i > 0 && files[i-1].n == f.n {
				return nil, fmt.Errorf("sqlitekit: load migrations: %q and %q have the same number", files[i-1].name, f.name)
			}
			return nil, fmt.Errorf("sqlitekit: load migrations: %q is number %d, want %d (the numbers run from 1 without a gap)", f.name, f.n, i+1)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, f.name))
		if err != nil {
			return nil, fmt.Errorf("sqlitekit: load migrations: %w", err)
		}
		// A byte order mark (Windows editors write one) is no SQL, and
		// hid a directive on the first line.
		text := strings.TrimPrefix(string(b), "\ufeff")
		off, err := hasDirective(text)
		if err != nil {
			return nil, fmt.Errorf("sqlitekit: load migrations: %q: %w", f.name, err)
		}
		steps[i] = Migration{Name: f.name, SQL: text, ForeignKeysOff: off}
	}
	return steps, nil
}

// hasDirective reports whether text has a line that is
// ForeignKeysOffDirective, whatever its case and spacing; a line comment
// that tries to be a directive of sqlitekit's ("-- sqlitekit:" or
// "-- sqlitekit foreign", then a setting: "=", "foreign" or "fk") but is
// not this one is an error: the step would silently run with foreign
// keys on.
func hasDirective(text string) (bool, error) {
	want := strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(ForeignKeysOffDirective, "--")), ""))
	found := false
	for line := range strings.Lines(text) {
		comment, ok := strings.CutPrefix(strings.TrimSpace(line), "--")
		if !ok {
			continue
		}
		words := strings.ToLower(strings.Join(strings.Fields(comment), ""))
		rest, ok := strings.CutPrefix(words, "sqlitekit")
		if !ok || !strings.HasPrefix(rest, ":") && !strings.HasPrefix(rest, "foreign") {
			continue
		}
		if !strings.Contains(rest, "=") && !strings.Contains(rest, "foreign") && !strings.Contains(rest, "fk") {
			continue // a comment that begins "sqlitekit:", not a directive
		}
		if words != want {
			return false, fmt.Errorf("the line %q is not a directive sqlitekit knows: the one there is %q", strings.TrimSpace(line), ForeignKeysOffDirective)
		}
		found = true
	}
	return found, nil
}
