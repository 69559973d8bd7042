package conformance_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
	ncruces "github.com/ncruces/go-sqlite3/driver"

	kitdriver "github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// Programs match SQLite's messages (strings.Contains(err.Error(),
// "UNIQUE constraint failed")), and read what *sqlite3.Error says:
// sqlitekit's error text holds ncruces' whole, and the *sqlite3.Error
// found by errors.As says the same.
func TestDiffErrorText(t *testing.T) {
	t.Parallel()
	type seen struct{ msg, code, sql string }
	queries := []string{
		"INSERT INTO t VALUES (1, 1)", "INSERT INTO t VALUES (NULL, 2)", "INSERT INTO t VALUES (2, 'x')",
		"INSERT INTO t VALUES (3, 3) RETURNING nope", "SELECT * FROM nope", "SELEC 1", "CREATE TABLE t(x)",
		"INSERT INTO c VALUES (99)", "SELECT json('{')", "SELECT abs(-9223372036854775808)", "SELECT 1 FROM t WHERE id = ?",
	}
	ncr, kit := both(t, "_pragma=foreign_keys(1)", func(t *testing.T, db *sql.DB) []seen {
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER NOT NULL CHECK (typeof(v) = 'integer') UNIQUE); INSERT INTO t VALUES (1, 1); CREATE TABLE c(p REFERENCES t(id))")
		var out []seen
		for _, q := range queries {
			var err error
			if strings.HasPrefix(q, "SELECT") {
				var v any
				var args []any
				if strings.Contains(q, "?") {
					args = append(args, 1)
				}
				err = db.QueryRow(q, args...).Scan(&v)
			} else {
				_, err = db.Exec(q)
			}
			var s seen
			if err != nil {
				s.msg = err.Error()
			}
			var serr *sqlite3.Error
			if errors.As(err, &serr) {
				s.code, s.sql = serr.ExtendedCode().Error(), serr.SQL()
			}
			out = append(out, s)
		}
		return out
	})
	for i, q := range queries {
		n, k := ncr[i], kit[i]
		if n.code != k.code || n.sql != k.sql || !strings.Contains(k.msg, n.msg) || (n.msg == "") != (k.msg == "") {
			t.Errorf("%s:\n ncruces:   %+v\n sqlitekit: %+v", q, n, k)
		}
	}
}

// Two pools on one file, as two processes would be: a write transaction
// in one; the other's writes wait out their busy timeout and fail with
// SQLITE_BUSY, its reads go on (WAL), and once the first commits, the
// second writes.
func TestDiffBusy(t *testing.T) {
	t.Parallel()
	var got [2][]string
	for i, name := range drivers {
		path := filepath.Join(t.TempDir(), "busy.db")
		a, err := sql.Open(name, "file:"+path+"?_pragma=journal_mode(wal)&_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := sql.Open(name, "file:"+path+"?_pragma=journal_mode(wal)&_pragma=busy_timeout(50)")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		mustExec(t, a, "CREATE TABLE t(x)")
		tx, err := a.Begin()
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "INSERT INTO t VALUES (1)")
		var out []string
		start := time.Now()
		_, err = b.Exec("INSERT INTO t VALUES (2)")
		var temp interface{ Temporary() bool }
		out = append(out, fmt.Sprintf("write: %s, waited %v, temporary %v", class(err), time.Since(start) >= 40*time.Millisecond, errors.As(err, &temp) && temp.Temporary()))
		_, err = b.Begin()
		out = append(out, "begin: "+class(err))
		var n int
		err = b.QueryRow("SELECT count(*) FROM t").Scan(&n)
		out = append(out, fmt.Sprintf("read: %d %s", n, class(err)))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		_, err = b.ExecContext(ctx, "INSERT INTO t VALUES (3)")
		cancel()
		out = append(out, fmt.Sprintf("write, context ended: busy=%v", errors.Is(err, sqlite3.BUSY)))
		out = append(out, "commit: "+class(tx.Commit()))
		_, err = b.Exec("INSERT INTO t VALUES (4)")
		out = append(out, "write after: "+class(err))
		got[i] = out
	}
	if d := diffStrings(got[0], got[1]); d != "" {
		t.Error(d)
	}
}

// What ncruces documents doing through Conn.Raw: incremental BLOB I/O,
// an online backup to a file, the busy timeout, the file name.
func TestDiffRawConn(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		mustExec(t, db, "CREATE TABLE f(id INTEGER PRIMARY KEY, data BLOB)")
		r, err := db.Exec("INSERT INTO f(data) VALUES (?)", sqlite3.ZeroBlob(11))
		log("zeroblob: %s", execResult(r, err))
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		backup := filepath.Join(t.TempDir(), "backup.db")
		err = c.Raw(func(dc any) error {
			conn := dc.(ncruces.Conn).Raw()
			blob, err := conn.OpenBlob("main", "f", "data", 1, true)
			if err != nil {
				return err
			}
			if _, err := io.WriteString(blob, "hello world"); err != nil {
				return err
			}
			if err := blob.Close(); err != nil {
				return err
			}
			log("filename: %v", strings.HasSuffix(conn.Filename("main").String(), "test.db"))
			log("autocommit: %v", conn.GetAutocommit())
			return conn.Backup("main", backup)
		})
		log("raw: %s", class(err))
		out = append(out, scanAll(db.Query("SELECT id, data FROM f"))...)
		b, err := sql.Open("sqlite3", backup)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		out = append(out, scanAll(b.Query("SELECT id, data FROM f"))...)

		// ncruces' Savepoint helper, in a Tx.
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "INSERT INTO f(data) VALUES ('kept')")
		sp := ncruces.Savepoint(tx)
		mustExec(t, tx, "INSERT INTO f(data) VALUES ('undone')")
		undo := errors.New("undo")
		sp.Release(&undo)
		log("savepoint rolled back: %s", class(undo))
		log("commit: %s", class(tx.Commit()))
		out = append(out, scanAll(db.Query("SELECT group_concat(data) FROM f WHERE id > 1"))...)
		return out
	})
}

// A prepared statement's parameters: positional, numbered, named, and
// fewer or more arguments than it has.
func TestDiffPreparedParameters(t *testing.T) {
	t.Parallel()
	ncr, kit := both(t, "", func(t *testing.T, db *sql.DB) []string {
		var out []string
		for _, tt := range []struct {
			q    string
			args []any
		}{
			{"SELECT ?, ?", []any{1, 2}},
			{"SELECT ?1, ?1", []any{1}},
			{"SELECT ?2, ?1", []any{1, 2}},
			{"SELECT :a, :b", []any{sql.Named("a", 1), sql.Named("b", 2)}},
			{"SELECT @a, $a", []any{sql.Named("a", 1)}},
			{"SELECT ?, :a", []any{1, sql.Named("a", 2)}},
			{"SELECT ?, ?", []any{1}},
			{"SELECT ?, ?", []any{1, 2, 3}},
			{"SELECT ?2", []any{1, 2}},
			{"SELECT ?2", []any{1}},
			{"SELECT :a, :b", []any{sql.Named("a", 1)}},
			{"SELECT :a", []any{sql.Named("a", 1), sql.Named("z", 2)}},
			{"SELECT :a", []any{1}},
		} {
			st, err := db.Prepare(tt.q)
			if err != nil {
				out = append(out, tt.q+": prepare "+class(err))
				continue
			}
			rows, err := st.Query(tt.args...)
			out = append(out, fmt.Sprintf("%s %v: %q", tt.q, tt.args, scanAll(rows, err)))
			st.Close()
		}
		return out
	})
	// By design (the package docs, "Statements and arguments"), a
	// statement runs only when every parameter got a value: where
	// ncruces binds NULL to a parameter without an argument, sqlitekit
	// fails. Everything else is the same.
	for i := range ncr {
		if ncr[i] == kit[i] {
			continue
		}
		if strings.Contains(ncr[i], "<nil>(<nil>)") && strings.HasSuffix(kit[i], `["query: error"]`) {
			continue
		}
		t.Errorf("ncruces:   %s\nsqlitekit: %s", ncr[i], kit[i])
	}
}

// In-memory DSNs used with a pool of one connection, as code written
// for ncruces must use them (each ncruces connection has its own
// database): the same behaviour.
func TestDiffMemoryOneConnection(t *testing.T) {
	t.Parallel()
	for i, dsn := range []string{":memory:", "file::memory:", "file::memory:?cache=shared", "file:/%s?vfs=memdb", "file:%s?mode=memory&cache=shared", "file:/%s?vfs=memdb&_pragma=foreign_keys(1)&_txlock=immediate"} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			var got [2][]string
			for i, name := range drivers {
				d := dsn
				if strings.Contains(d, "%s") {
					d = fmt.Sprintf(d, strings.ReplaceAll(t.Name(), "/", "-")+name)
				}
				db, err := sql.Open(name, d)
				if err != nil {
					t.Fatal(err)
				}
				db.SetMaxOpenConns(1)
				var out []string
				_, err = db.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t(v) VALUES (1), (2)")
				out = append(out, "create: "+class(err))
				tx, err := db.Begin()
				if err == nil {
					_, err = tx.Exec("INSERT INTO t(v) VALUES (3)")
					err = errors.Join(err, tx.Commit())
				}
				out = append(out, "tx: "+class(err))
				out = append(out, scanAll(db.Query("SELECT sum(v), count(*) FROM t"))...)
				out = append(out, scanAll(db.Query("PRAGMA foreign_keys"))...)
				var jm string
				db.QueryRow("PRAGMA journal_mode").Scan(&jm)
				out = append(out, "journal: "+jm)
				db.Close()
				got[i] = out
			}
			if d := diffStrings(got[0], got[1]); d != "" {
				t.Error(d)
			}
		})
	}
}

// A busy timeout set with SQL on a connection (PRAGMA busy_timeout = N,
// what programs coming from mattn and modernc run after sql.Open) bounds
// that connection's waits for another connection's write transaction,
// longer or shorter than the DSN's.
func TestDiffBusyTimeoutBySQL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		dsn          string
		byConn, hold time.Duration
	}{
		{"_pragma=busy_timeout(200)", 2000 * time.Millisecond, 400 * time.Millisecond}, // waits past the DSN's 200 ms, then writes
		{"_pragma=busy_timeout(5000)", 10 * time.Millisecond, 400 * time.Millisecond},  // gives up long before the DSN's 5 s
	} {
		same(t, tt.dsn+"&_pragma=journal_mode(wal)", func(t *testing.T, db *sql.DB) string {
			ctx := context.Background()
			mustExec(t, db, "CREATE TABLE t(x)")
			db.SetMaxOpenConns(2)
			c1, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c1.Close()
			c2, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			if _, err := c2.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", tt.byConn.Milliseconds())); err != nil {
				t.Fatal(err)
			}
			tx, err := c1.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, tx, "INSERT INTO t VALUES (1)")
			done := make(chan error)
			go func() {
				time.Sleep(tt.hold)
				done <- tx.Commit()
			}()
			_, err = c2.ExecContext(ctx, "INSERT INTO t VALUES (2)")
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("busy_timeout %v by SQL, DSN %s: busy %v", tt.byConn, tt.dsn, errors.Is(err, sqlite3.BUSY))
		})
	}
}

// The busy timeout a ConnInit sets, or one set on the SQLite connection
// reached through Conn.Raw, bounds the connection's waits for the write
// lock held by another connection of the process, as the DSN's does.
func TestBusyTimeoutSetInGo(t *testing.T) {
	t.Parallel()
	cfg := pragma.Default()
	cfg.Path = testdb.Path(t)
	cfg.BusyTimeout = 2 * time.Second
	db, err := kitdriver.Open(cfg, &kitdriver.Options{MaxOpenConns: 2, ConnInit: func(c *sqlite3.Conn) error {
		return c.BusyTimeout(50 * time.Millisecond)
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	mustExec(t, db, "CREATE TABLE t(x)")
	c1, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	hold := func(d time.Duration) chan error {
		tx, err := c1.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "INSERT INTO t VALUES (1)")
		done := make(chan error)
		go func() {
			time.Sleep(d)
			done <- tx.Commit()
		}()
		return done
	}
	done := hold(400 * time.Millisecond)
	if _, err := c2.ExecContext(ctx, "INSERT INTO t VALUES (2)"); !errors.Is(err, sqlite3.BUSY) {
		t.Errorf("with ConnInit's 50 ms busy timeout, behind a 400 ms transaction: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := c2.Raw(func(dc any) error { return dc.(ncruces.Conn).Raw().BusyTimeout(3 * time.Second) }); err != nil {
		t.Fatal(err)
	}
	done = hold(300 * time.Millisecond)
	if _, err := c2.ExecContext(ctx, "INSERT INTO t VALUES (3)"); err != nil {
		t.Errorf("with 3 s set through Raw, behind a 300 ms transaction: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
