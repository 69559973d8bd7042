package driver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// Prepare implements driver.Conn; database/sql calls PrepareContext.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	old := c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(old)
	s, tail, err := c.db.Prepare(query)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	if err := oneStatement(query, s, tail); err != nil {
		return nil, err
	}
	return &stmt{e: &entry{sql: query, s: s, reprepared: -1}, c: c}, nil
}

// oneStatement checks that query held exactly one statement, s, and
// finalizes s if it did not.
func oneStatement(query string, s *sqlite3.Stmt, tail string) error {
	if s == nil {
		return fmt.Errorf("sqlitekit: %q has no SQL statement", truncate(query))
	}
	if strings.TrimSpace(tail) != "" {
		s.Close()
		return fmt.Errorf("sqlitekit: only one statement is allowed here; %q follows it (use Exec for scripts)", truncate(tail))
	}
	return nil
}

// statement returns a cached statement for a query of one statement, or
// prepares one. script reports a query of several statements (s is nil).
func (c *conn) statement(query string) (e *entry, script bool, err error) {
	if e := c.cache.take(query); e != nil {
		return e, false, nil
	}
	s, tail, err := c.db.Prepare(query)
	if err != nil {
		return nil, false, err
	}
	if s == nil || strings.TrimSpace(tail) != "" {
		s.Close()
		return nil, true, nil
	}
	return c.cache.add(query, s), false, nil
}

func truncate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ExecContext runs query. A query of one statement runs from the
// statement cache. A script of several statements is compiled as it runs:
// the positional arguments are given to its statements in turn, each
// taking as many as it has parameters; named arguments go to every
// statement that names them.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	old := c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(old)
	c.db.SetLastInsertRowID(0)

	e, script, err := c.statement(query)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	if script {
		if c.db.GetAutocommit() {
			if err := c.startWrite(ctx); err != nil {
				return nil, err
			}
			defer c.endWrite()
		}
		return c.execScript(ctx, query, args)
	}
	if err := errors.Join(c.exec(ctx, e, args), c.cache.release(e)); err != nil {
		return nil, interrupted(ctx, err)
	}
	return c.result(), nil
}

func (c *conn) execScript(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		if err := c.db.Exec(query); err != nil {
			return nil, interrupted(ctx, err)
		}
		return c.result(), nil
	}
	used := make([]bool, len(args))
	offset := 0
	for {
		s, tail, err := c.db.Prepare(query)
		if err != nil {
			return nil, interrupted(ctx, err)
		}
		if s == nil { // nothing left but spaces or comments
			break
		}
		n := s.BindCount()
		err = c.bind(s, args, offset, used)
		if err == nil && strings.TrimSpace(tail) == "" {
			// The last statement: refuse left-over arguments before it runs.
			err = checkUsed(args, used)
		}
		if err == nil {
			err = s.Exec()
		}
		err = errors.Join(err, s.Close())
		if err != nil {
			return nil, interrupted(ctx, err)
		}
		offset += n
		query = tail
	}
	if err := checkUsed(args, used); err != nil {
		return nil, err
	}
	return c.result(), nil
}

// checkUsed reports the first argument that no parameter took.
func checkUsed(args []driver.NamedValue, used []bool) error {
	for i, u := range used {
		if !u {
			return unusedArg(args[i])
		}
	}
	return nil
}

func unusedArg(a driver.NamedValue) error {
	if a.Name != "" {
		return fmt.Errorf("sqlitekit: argument %q: no parameter :%[1]s, @%[1]s or $%[1]s in the statement", a.Name)
	}
	return fmt.Errorf("sqlitekit: argument %d: the statement has fewer parameters", a.Ordinal)
}

func (c *conn) result() driver.Result {
	return result{id: c.db.LastInsertRowID(), rows: c.db.Changes()}
}

type result struct{ id, rows int64 }

func (r result) LastInsertId() (int64, error) { return r.id, nil }
func (r result) RowsAffected() (int64, error) { return r.rows, nil }

// QueryContext runs a query of one statement, from the statement cache.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	old := c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(old)

	e, script, err := c.statement(query)
	if err != nil {
		return nil, interrupted(ctx, err)
	}
	if script {
		s, tail, err := c.db.Prepare(query)
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
	err := c.bind(e.s, args, 0, nil)
	if err == nil && c.autocommitWrite(e.s) {
		if err = c.startWrite(ctx); err == nil {
			defer c.endWrite()
		}
	}
	if err == nil {
		err = e.s.Exec()
	}
	return errors.Join(err, e.s.ClearBindings())
}

// query binds args to e, one statement, and returns its rows: an
// autocommit write (RETURNING) keeps its turn in the writer queue until
// the rows close. fromCache says e goes back to the statement cache.
func (c *conn) query(ctx context.Context, e *entry, args []driver.NamedValue, fromCache bool) (driver.Rows, error) {
	err := c.bind(e.s, args, 0, nil)
	if err == nil && c.autocommitWrite(e.s) {
		err = c.startWrite(ctx)
	}
	if err != nil {
		e.s.ClearBindings()
		if fromCache {
			c.cache.release(e)
		}
		return nil, err
	}
	e.inUse = true
	return e.query(ctx, c, fromCache)
}
