package reliability_test

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

const forever = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT max(x) FROM c`

// Calls after Close fail with an error; none panics.
func TestClosed(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlitekit", testdb.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	st, err := db.Prepare("SELECT x FROM t")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Exec":     func() error { _, err := db.Exec("INSERT INTO t VALUES (1)"); return err },
		"Query":    func() error { _, err := db.Query("SELECT 1"); return err },
		"QueryRow": func() error { return db.QueryRow("SELECT 1").Scan(new(int)) },
		"Begin":    func() error { _, err := db.Begin(); return err },
		"Ping":     func() error { return db.Ping() },
		"Stmt":     func() error { _, err := st.Exec(); return err },
	} {
		if err := call(); err == nil {
			t.Errorf("%s after Close: no error", name)
		}
	}
}

// Closing a pool while queries run neither panics nor leaves goroutines
// behind: the queries are interrupted by their contexts, and the pool's
// connections close as they come back.
//
// Not parallel: it counts the goroutines of the process.
func TestCloseWhileRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	db, err := sql.Open("sqlitekit", testdb.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			errs <- db.QueryRowContext(ctx, forever).Scan(new(int))
		})
	}
	time.Sleep(50 * time.Millisecond) // the queries are running
	closed := make(chan error)
	go func() { closed <- db.Close() }()
	time.Sleep(20 * time.Millisecond)
	cancel() // Close waits for the queries; cancelling them lets it end
	wg.Wait()
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.Canceled) && !errors.Is(err, sql.ErrConnDone) && err.Error() != "sql: database is closed" {
			t.Errorf("a query stopped by Close and cancel: %v", err)
		}
	}
	// Goroutines of the pool and of the queries are gone.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
