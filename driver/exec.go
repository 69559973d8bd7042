package driver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// Prepare implements driver.Conn; database/sql calls PrepareContext.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (_ driver.Stmt, err error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	defer c.recoverNOMEM(&err)
	if err := nulFree(query); err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	old := c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(old)
	s, tail, err := c.prepare(query)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	if err := oneStatement(query, s, tail); err != nil {
		return nil, err
	}
	return &stmt{e: newEntry(query, s), c: c, inputs: numInput(s)}, nil
}

// oneStatement checks that query held exactly one statement, s, followed
// by nothing but semicolons, spaces and comments, and finalizes s if it
// did not.
func oneStatement(query string, s *sqlite3.Stmt, tail string) error {
	if s == nil {
		return fmt.Errorf("sqlitekit: %q has no SQL statement", truncate(query))
	}
	if !blank(tail) {
		s.Close()
		return fmt.Errorf("sqlitekit: only one statement is allowed here; %q follows it (use Exec for scripts)", truncate(strings.TrimLeft(tail, "; \t\r\n")))
	}
	return nil
}

// statement returns a cached statement for a query of one statement, or
// prepares one. It returns nil for a query of no statement or of several
// (a script).
func (c *conn) statement(query string) (*entry, error) {
	if e := c.cache.take(query); e != nil {
		return e, nil
	}
	s, tail, err := c.prepare(query)
	if err != nil {
		return nil, err
	}
	if s == nil || !blank(tail) {
		s.Close()
		return nil, nil
	}
	return c.cache.add(query, s), nil
}

// nulFree refuses SQL text with a NUL byte: SQLite reads SQL up to the
// first one, and would run what comes before it as the whole query
// ("DELETE FROM t\x00 WHERE id = 1" deletes every row).
func nulFree(query string) error {
	if i := strings.IndexByte(query, 0); i >= 0 {
		return fmt.Errorf("the SQL has a NUL byte at offset %d, where SQLite would stop reading it (after %q): pass such text as an argument", i, truncate(query[:i]))
	}
	return nil
}

func truncate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ExecContext runs query. A query of one statement runs from the
// statement cache; a query of several is a script (see execScript).
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (_ driver.Result, err error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	defer c.recoverNOMEM(&err)
	if query == "" && len(args) == 0 && c.ncrucesSavepoint(ctx) {
		return result{}, nil
	}
	if err := nulFree(query); err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	old := c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(old)

	e, err := c.statement(query)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	if e == nil {
		m := c.markResult(mentions(query, "last_insert_rowid"))
		if mentions(query, "busy_timeout") {
			c.busyStale = true
		}
		if c.db.GetAutocommit() {
			if err := c.startWrite(ctx); err != nil {
				c.result(m)
				return nil, err
			}
			defer c.endWrite()
		}
		err := c.execScript(query, args)
		r := c.result(m)
		if err != nil {
			return nil, c.guard.explain(interrupted(ctx, err))
		}
		return r, nil
	}
	m := c.markResult(e.readsLastInsert)
	err = errors.Join(c.exec(ctx, e, args), c.cache.release(e))
	r := c.result(m)
	if err != nil {
		return nil, c.guard.explain(interrupted(ctx, err))
	}
	return r, nil
}

// execScript runs a script: a query of several statements (or of none).
// The positional arguments go to its statements in turn, each taking as
// many as it has parameters; a named argument goes to every statement
// that names it.
//
// Nothing of the script runs unless every parameter of every statement
// gets a value and every positional argument a parameter: a first pass
// compiles, binds and checks each statement, and runs none. A statement
// that cannot be compiled before the ones before it ran (an INSERT into a
// table the script creates) ends that pass. If the rest of the script
// has no parameter, there is nothing left to check; otherwise the script
// runs inside a SAVEPOINT, rolled back if a statement of that rest fails
// the check (such a script cannot BEGIN or COMMIT a transaction of its
// own, nor ATTACH). Either way the script then runs statement by
// statement; an error of SQLite stops it where it happens, as with
// sqlite3_exec: what ran before it stays.
func (c *conn) execScript(query string, args []driver.NamedValue) error {
	if err := c.link(); err != nil { // see extensions.go
		return err
	}
	if len(args) == 0 && !mayHaveParams(query) {
		return c.db.Exec(query)
	}
	checked, err := c.checkScript(query, args)
	if err != nil {
		return err
	}
	if checked {
		return c.runScript(query, args, false)
	}
	if err := c.db.Exec("SAVEPOINT sqlitekit_script"); err != nil {
		return err
	}
	err = c.runScript(query, args, true)
	// Roll back what ran if the arguments did not fit; keep it, as
	// sqlite3_exec does, after an error of SQLite. The savepoint is gone
	// if the error rolled back the whole transaction.
	var argErr *scriptArgError
	end := "RELEASE sqlitekit_script"
	if errors.As(err, &argErr) {
		end = "ROLLBACK TO sqlitekit_script; " + end
	}
	if !c.db.GetAutocommit() {
		old := c.db.SetInterrupt(context.Background())
		err = errors.Join(err, c.db.Exec(end))
		c.db.SetInterrupt(old)
	}
	return err
}

// checkScript is the first pass of execScript: it reports whether every
// statement that has parameters could be checked.
func (c *conn) checkScript(query string, args []driver.NamedValue) (checked bool, err error) {
	used := make([]bool, len(args))
	offset := 0
	for n := 1; ; n++ {
		s, tail, err := c.db.Prepare(query)
		if err != nil {
			// It may need the statements before it to have run: if the
			// rest has parameters, they are checked as the script runs.
			if mayHaveParams(query) {
				return false, nil
			}
			break
		}
		if s == nil {
			break
		}
		err = c.bind(s, args, offset, used)
		offset += s.BindCount()
		s.Close()
		if err != nil {
			return false, scriptErr(n, err)
		}
		query = tail
	}
	if err := checkUsed(args, used); err != nil {
		return false, fmt.Errorf("sqlitekit: %w", err)
	}
	return true, nil
}

// runScript runs the statements of a script one after another, each
// bound and checked before it runs. inSavepoint says execScript's
// SAVEPOINT holds them: a statement that would begin or end a
// transaction is then refused before it runs, as an error of the
// arguments, so that what ran before it is rolled back.
func (c *conn) runScript(query string, args []driver.NamedValue, inSavepoint bool) error {
	used := make([]bool, len(args))
	offset := 0
	for n := 1; ; n++ {
		s, tail, err := c.db.Prepare(query)
		if err != nil {
			return err
		}
		if s == nil {
			break
		}
		err = c.bind(s, args, offset, used)
		switch {
		case err != nil:
			err = scriptErr(n, err)
		case inSavepoint && endsTx(query[:len(query)-len(tail)]):
			text := strings.TrimRight(query[:len(query)-len(tail)], "; \t\n\v\f\r")
			err = scriptErr(n, fmt.Errorf("%q begins or ends a transaction: a script with arguments whose statements need the ones before them to have run is checked as it runs, inside a savepoint, where it cannot; give it no arguments, or run its transaction with Begin and one Exec a statement", truncate(text)))
		default:
			err = s.Exec()
		}
		offset += s.BindCount()
		if err := errors.Join(err, s.Close()); err != nil {
			return err
		}
		query = tail
	}
	if err := checkUsed(args, used); err != nil {
		return &scriptArgError{fmt.Errorf("sqlitekit: %w", err)}
	}
	return nil
}

// scriptArgError is an error of the arguments of a script.
type scriptArgError struct{ err error }

func (e *scriptArgError) Error() string { return e.err.Error() }
func (e *scriptArgError) Unwrap() error { return e.err }

func scriptErr(n int, err error) error {
	return &scriptArgError{fmt.Errorf("sqlitekit: statement %d of the script: %w", n, err)}
}

// checkUsed reports the first positional argument that no parameter took.
func checkUsed(args []driver.NamedValue, used []bool) error {
	for i, u := range used {
		if !u && args[i].Name == "" {
			return unusedArg(args[i])
		}
	}
	return nil
}

// resultMark is what the result of an Exec is measured from: the
// connection's total of changes and last_insert_rowid() before it.
type resultMark struct {
	changes int64
	rowid   int64
	zeroed  bool // last_insert_rowid() was set to 0 for the Exec
}

// markResult marks the start of an Exec. So that its result tells
// whether the Exec inserted a row (an INSERT ... ON CONFLICT DO UPDATE
// that updated, an INSERT into a WITHOUT ROWID table, an UPDATE or DELETE
// inserts none), last_insert_rowid() is set to 0 for it, as
// ncruces/go-sqlite3 does, and given back after it if it inserted none.
// Not when the SQL reads last_insert_rowid() itself (readsLastInsert:
// INSERT INTO child VALUES (last_insert_rowid())): it then reads the
// rowid of the connection's last insert, as SQLite has it.
func (c *conn) markResult(readsLastInsert bool) resultMark {
	m := resultMark{changes: c.db.TotalChanges(), rowid: c.db.LastInsertRowID()}
	if m.rowid != 0 && !readsLastInsert {
		c.db.SetLastInsertRowID(0)
		m.zeroed = true
	}
	return m
}

// result is the result of an Exec that began at m, which it ends (call
// it whether the Exec failed or not): a statement that changed no row
// reports none, and LastInsertId is the rowid of the row the Exec
// inserted last, or 0 if it inserted none. last_insert_rowid() is then
// as SQLite has it.
func (c *conn) result(m resultMark) driver.Result {
	id := c.db.LastInsertRowID()
	if m.zeroed && id == 0 {
		c.db.SetLastInsertRowID(m.rowid)
	}
	if c.db.TotalChanges() == m.changes {
		return result{}
	}
	if !m.zeroed && id == m.rowid {
		id = 0 // most likely no insert (SQL that reads last_insert_rowid())
	}
	return result{id: id, rows: c.db.Changes()}
}

// mentions reports whether sql holds name, a lower-case SQL name, in
// any case.
func mentions(sql, name string) bool {
	for i := 0; i+len(name) <= len(sql); i++ {
		if sql[i]|0x20 == name[0] && strings.EqualFold(sql[i:i+len(name)], name) {
			return true
		}
	}
	return false
}

type result struct{ id, rows int64 }

func (r result) LastInsertId() (int64, error) { return r.id, nil }
func (r result) RowsAffected() (int64, error) { return r.rows, nil }

// QueryContext runs a query of one statement, from the statement cache.
// A query of no statement (only comments) has no rows.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (_ driver.Rows, err error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	defer c.recoverNOMEM(&err)
	if err := nulFree(query); err != nil {
		return nil, fmt.Errorf("sqlitekit: %w", err)
	}
	old := c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(old)

	e, err := c.statement(query)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	if e == nil {
		if blank(query) {
			if err := checkUsed(args, make([]bool, len(args))); err != nil {
				return nil, fmt.Errorf("sqlitekit: %w", err)
			}
			return noRows{}, nil
		}
		s, tail, err := c.prepare(query)
		if err == nil {
			err = oneStatement(query, s, tail)
		}
		return nil, err
	}
	return c.query(ctx, e, args, true)
}

// exec runs e, one statement, to its end with args bound: an autocommit
// write takes its turn in the writer queue for the time it runs.
func (c *conn) exec(ctx context.Context, e *entry, args []driver.NamedValue) error {
	c.beforeStatement()
	if e.namesBusy {
		c.busyStale = true
	}
	err := c.bind(e.s, args, 0, nil)
	if err != nil {
		err = fmt.Errorf("sqlitekit: %w", err)
	} else if c.autocommitWrite(e.s) {
		if err = c.startWrite(ctx); err == nil {
			defer c.endWrite()
		}
	}
	if err == nil {
		freshCount(e.s)
		err = e.s.Exec()
		if err != nil && c.linkedFor(err) { // see extensions.go
			err = e.s.Exec()
		}
	}
	return errors.Join(err, e.s.ClearBindings())
}

// freshCount starts s's count of VM steps afresh for a run. ncruces'
// progress handler yields the goroutine (runtime.Gosched) at every 16th
// call, and SQLite calls it every 1,000 VM steps counted over the
// statement's life, not over one run: a cached or prepared statement
// would yield every few hundred short runs, in the middle of whichever
// run crosses the line, where a freshly prepared one never yields. On a
// busy machine a yield puts the goroutine at the back of the Go run queue,
// behind every busy goroutine: measured in the bench's mixed workload, it
// was most of the read p99, and a writer yielding while it holds the
// write turn holds up every writer waiting for it. Counted afresh, a
// short statement never yields, cached or not; one that runs 16,000 VM
// steps or more in a run still does.
func freshCount(s *sqlite3.Stmt) {
	s.Status(sqlite3.STMTSTATUS_VM_STEP, true)
}

// query binds args to e, one statement, and returns its rows, which run
// the first step when they are first read: an autocommit write
// (RETURNING) takes its turn in the writer queue then, and keeps it until
// the rows close. fromCache says e goes back to the statement cache.
func (c *conn) query(ctx context.Context, e *entry, args []driver.NamedValue, fromCache bool) (driver.Rows, error) {
	c.beforeStatement()
	if e.namesBusy {
		c.busyStale = true
	}
	if err := c.bind(e.s, args, 0, nil); err != nil {
		err = fmt.Errorf("sqlitekit: %w", err)
		e.s.ClearBindings()
		if fromCache {
			c.cache.release(e)
		}
		return nil, err
	}
	e.inUse = true
	return e.query(ctx, c, fromCache), nil
}

// blank reports whether sql holds nothing but spaces, semicolons and
// comments.
func blank(sql string) bool {
	for {
		sql = skipComments(sql)
		if sql == "" || sql[0] != ';' {
			return sql == ""
		}
		sql = sql[1:]
	}
}

// mayHaveParams reports whether sql may hold a parameter (?, ?NNN,
// :name, @name, $name) outside strings, quoted names and comments. It
// may say yes wrongly, never no: the callers then ask SQLite.
func mayHaveParams(sql string) bool {
	for i := 0; i < len(sql); i++ {
		var end string
		switch b := sql[i]; b {
		case '?':
			return true
		case ':', '@', '$':
			if i == 0 || !nameByte(sql[i-1]) { // $ may be part of a name
				return true
			}
			continue
		case '\'', '"', '`':
			end = string(b)
		case '[':
			end = "]"
		case '-':
			if !strings.HasPrefix(sql[i:], "--") {
				continue
			}
			end = "\n"
		case '/':
			if !strings.HasPrefix(sql[i:], "/*") {
				continue
			}
			i++
			end = "*/"
		default:
			continue
		}
		j := strings.Index(sql[i+1:], end)
		if j < 0 {
			return false
		}
		i += j + len(end)
	}
	return false
}

// endsTx reports whether sql, one statement, is BEGIN, COMMIT, END or
// ROLLBACK (not ROLLBACK TO a savepoint).
func endsTx(sql string) bool {
	var words []string
	for w := range strings.FieldsSeq(strings.ToUpper(skipComments(sql))) {
		if words = append(words, strings.Trim(w, ";")); len(words) == 3 {
			break
		}
	}
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "BEGIN", "COMMIT", "END":
		return true
	case "ROLLBACK":
		return !slices.Contains(words[1:], "TO")
	}
	return false
}

// skipComments returns sql without the spaces and comments it begins
// with. An unclosed comment runs to the end, as SQLite reads it.
func skipComments(sql string) string {
	for {
		sql = strings.TrimLeft(sql, " \t\n\v\f\r")
		switch {
		case strings.HasPrefix(sql, "--"):
			i := strings.IndexByte(sql, '\n')
			if i < 0 {
				return ""
			}
			sql = sql[i+1:]
		case strings.HasPrefix(sql, "/*"):
			i := strings.Index(sql[2:], "*/")
			if i < 0 {
				return ""
			}
			sql = sql[i+4:]
		default:
			return sql
		}
	}
}

func nameByte(b byte) bool {
	return b == '_' || b == '$' || b >= 0x80 || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}
