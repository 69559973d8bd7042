package driver

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Problem is one thing [Check] found wrong with a database.
type Problem struct {
	// Check is the PRAGMA that reported the problem: "integrity_check",
	// "quick_check" or "foreign_key_check".
	Check string
	// Message is SQLite's description, for integrity_check and
	// quick_check; for foreign_key_check it is made from the fields
	// below.
	Message string
	// Table, RowID, Parent and ForeignKey are set for foreign_key_check:
	// the row of Table with RowID (0 in a WITHOUT ROWID table) refers to
	// a row of Parent that does not exist, through the ForeignKey-th
	// foreign key of Table (its id in PRAGMA foreign_key_list).
	Table      string
	RowID      int64
	Parent     string
	ForeignKey int
}

// String returns the problem as "check: message".
func (p Problem) String() string { return p.Check + ": " + p.Message }

// Check verifies db's main database and returns the problems found, none
// (a nil slice) if the database is sound. It runs PRAGMA integrity_check,
// or the faster quick_check if quick is true (which checks the structure
// of the file but not that indexes match their tables), then PRAGMA
// foreign_key_check, which reports rows whose parent row is missing
// whether or not foreign keys are enforced. integrity_check stops after
// 100 problems.
//
// Check reads the whole database: it takes time on a large one, and
// cancelling ctx interrupts it.
//
// On a damaged file integrity_check may report problems and then fail
// (with an error matching sqlite3.CORRUPT when a page cannot be read):
// Check then returns the problems found so far with the error, and
// skips foreign_key_check.
//
// https://sqlite.org/pragma.html#pragma_integrity_check
func Check(ctx context.Context, db *sql.DB, quick bool) ([]Problem, error) {
	if err := cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil(dbArg, db)); err != nil {
		return nil, fmt.Errorf("sqlitekit: check: %w", err)
	}
	pragma := "integrity_check"
	if quick {
		pragma = "quick_check"
	}
	var problems []Problem
	// Named main: without a schema, integrity_check also checks every
	// database the connection has attached (in Options.ConnInit, say).
	err := query(ctx, db, "PRAGMA main."+pragma, func(rows *sql.Rows) error {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return err
		}
		if msg != "ok" {
			problems = append(problems, Problem{Check: pragma, Message: msg})
		}
		return nil
	})
	if err != nil {
		return problems, fmt.Errorf("sqlitekit: %s: %w", pragma, err)
	}
	err = query(ctx, db, "PRAGMA main.foreign_key_check", func(rows *sql.Rows) error {
		var p Problem
		var rowid sql.NullInt64
		if err := rows.Scan(&p.Table, &rowid, &p.Parent, &p.ForeignKey); err != nil {
			return err
		}
		p.Check, p.RowID = "foreign_key_check", rowid.Int64
		p.Message = fmt.Sprintf("row %d of %s refers to a missing row of %s (foreign key %d)", p.RowID, p.Table, p.Parent, p.ForeignKey)
		problems = append(problems, p)
		return nil
	})
	if err != nil {
		return problems, fmt.Errorf("sqlitekit: foreign_key_check: %w", err)
	}
	return problems, nil
}

// query runs a query and calls each for every row.
func query(ctx context.Context, db *sql.DB, q string, each func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}
