package conformance_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
)

const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

// A context that ends stops the statement: the error matches the
// context's error (mattn, modernc) and sqlite3.INTERRUPT (ncruces, whose
// error matches only that), and the connection serves the next query.
func TestContextStopsStatements(t *testing.T) {
	t.Parallel()
	db := open(t)
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE t(x)")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var n int
	err := db.QueryRowContext(ctx, endless).Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, sqlite3.INTERRUPT) {
		t.Errorf("query past its deadline: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = db.ExecContext(ctx, "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("exec past its deadline: %v", err)
	}
	if got := value(t, db, "SELECT 1"); got != int64(1) {
		t.Errorf("after: %v", got)
	}

	// Canceled while reading rows: Next stops, Err says why.
	ctx, cancel = context.WithCancel(context.Background())
	rows, err := db.QueryContext(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000) SELECT x FROM c")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		if read++; read == 10 {
			cancel()
		}
	}
	if read >= 1000000 || !errors.Is(rows.Err(), context.Canceled) {
		t.Errorf("rows canceled after 10: read %d, %v", read, rows.Err())
	}
	rows.Close()

	// Canceled before it ran, or between Query and Next.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := db.ExecContext(ctx, "INSERT INTO t VALUES (1)"); !errors.Is(err, context.Canceled) {
		t.Errorf("exec with a canceled context: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	rows, err = db.QueryContext(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for rows.Next() {
	}
	if !errors.Is(rows.Err(), context.Canceled) {
		t.Errorf("rows whose context ended before Next: %v", rows.Err())
	}
	rows.Close()
	if n := count(t, db, "t"); n != 0 {
		t.Errorf("%d rows", n)
	}
}

// Many queries canceled at once, on a small pool, leave every
// connection usable (mattn's parallel QueryRowContext test).
func TestContextCancelParallel(t *testing.T) {
	t.Parallel()
	db := open(t)
	db.SetMaxOpenConns(3)
	done := make(chan error)
	for range 12 {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			var n int
			err := db.QueryRowContext(ctx, endless).Scan(&n)
			if err == nil {
				err = errors.New("an endless query ended")
			} else if errors.Is(err, context.DeadlineExceeded) {
				err = nil
			}
			done <- err
		}()
	}
	for range 12 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	for range 6 {
		if got := value(t, db, "SELECT 1"); got != int64(1) {
			t.Fatal(got)
		}
	}
}

// Two queries open in one transaction, the inner with a context of its
// own: canceling the inner stops only the inner, and the outer reads on
// (ncruces' test).
func TestContextNestedRows(t *testing.T) {
	t.Parallel()
	db := open(t)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const series = "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
	outer, err := tx.Query(series)
	if err != nil {
		t.Fatal(err)
	}
	defer outer.Close()
	next := func(rows *sql.Rows, want int) {
		t.Helper()
		var got int
		if !rows.Next() {
			t.Fatalf("no row: %v", rows.Err())
		}
		if err := rows.Scan(&got); err != nil || got != want {
			t.Fatalf("got %d, %v; want %d", got, err, want)
		}
	}
	next(outer, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inner, err := tx.QueryContext(ctx, series)
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	next(inner, 0)
	cancel()
	if inner.Next() || !errors.Is(inner.Err(), context.Canceled) {
		t.Errorf("inner rows after their context ended: %v", inner.Err())
	}
	next(outer, 1)
	next(outer, 2)
}
