package driver

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/ncruces/go-sqlite3"
)

// stmt is a statement prepared by database/sql (db.Prepare, tx.Stmt).
// It does not go through the statement cache: database/sql owns it.
type stmt struct {
	e      *entry
	c      *conn
	inputs int // what NumInput returns, known when the statement is prepared
}

func (s *stmt) Close() error { return s.e.s.Close() }

// NumInput returns the number of parameters, or -1 (do not check) when
// some are named. database/sql asks on every call.
func (s *stmt) NumInput() int { return s.inputs }

// numInput is NumInput of a statement s.
func numInput(s *sqlite3.Stmt) int {
	n := s.BindCount()
	for i := 1; i <= n; i++ {
		if name := s.BindName(i); name != "" && name[0] != '?' {
			return -1
		}
	}
	return n
}

func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error { return checkValue(nv.Value) }

// Exec implements driver.Stmt; database/sql calls ExecContext.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

// Query implements driver.Stmt; database/sql calls QueryContext.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, v := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return nv
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (_ driver.Result, err error) {
	if err := s.c.ready(); err != nil {
		return nil, err
	}
	defer s.c.recoverNOMEM(&err)
	if s.e.inUse {
		return nil, errOpenRows
	}
	db := s.c.db
	old := db.SetInterrupt(ctx)
	defer db.SetInterrupt(old)
	m := s.c.markResult(s.e.readsLastInsert)
	err = s.c.exec(ctx, s.e, args)
	r := s.c.result(m)
	if err != nil {
		return nil, s.c.guard.explain(interrupted(ctx, err))
	}
	return r, nil
}

var errOpenRows = errors.New("sqlitekit: the statement has open rows: close them first")

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (_ driver.Rows, err error) {
	if err := s.c.ready(); err != nil {
		return nil, err
	}
	defer s.c.recoverNOMEM(&err)
	if s.e.inUse {
		return nil, errOpenRows
	}
	db := s.c.db
	old := db.SetInterrupt(ctx)
	defer db.SetInterrupt(old)
	return s.c.query(ctx, s.e, args, false)
}
