package writeq_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// These tests run the queue through package driver, where it is used.

func open(t *testing.T, dsn string) *sql.DB { return testdb.Open(t, dsn) }

// 32 goroutines write through one pool: every transaction commits, and
// writers waited in the queue rather than failing.
func TestQueue_concurrentWriters(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db := open(t, path)
	db.SetMaxOpenConns(33)
	testdb.Exec(t, db, "CREATE TABLE t(g, i); CREATE TABLE c(n); INSERT INTO c VALUES (0)")
	before, err := driver.StatsOf(db)
	if err != nil {
		t.Fatal(err)
	}

	// One transaction holds the write turn while the writers start, so
	// that they do queue however the goroutines are scheduled.
	hold, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec("UPDATE c SET n = n"); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(50*time.Millisecond, func() { hold.Commit() })

	const writers, each = 32, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				err := func() error {
					tx, err := db.BeginTx(context.Background(), nil)
					if err != nil {
						return err
					}
					defer tx.Rollback()
					if _, err := tx.Exec("UPDATE c SET n = n + 1"); err != nil {
						return err
					}
					if _, err := tx.Exec("INSERT INTO t VALUES (?, ?)", g, i); err != nil {
						return err
					}
					return tx.Commit()
				}()
				if err != nil {
					errs <- err
					return
				}
				// An autocommit write queues too.
				if _, err := db.Exec("UPDATE c SET n = n + 1"); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var rows, n int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM t), (SELECT n FROM c)").Scan(&rows, &n); err != nil {
		t.Fatal(err)
	}
	if rows != writers*each || n != 2*writers*each {
		t.Errorf("rows %d, counter %d; want %d, %d", rows, n, writers*each, 2*writers*each)
	}
	after, err := driver.StatsOf(db)
	if err != nil {
		t.Fatal(err)
	}
	q := after.Sub(before).Queue
	if q.Waits == 0 || q.Timeouts != 0 {
		t.Errorf("queue: %+v; want waits and no timeouts", q)
	}
}

// A writer that cannot get its turn within the busy timeout fails with
// SQLITE_BUSY, saying it waited in the queue.
func TestQueue_busyTimeout(t *testing.T) {
	t.Parallel()
	db := open(t, "file:"+testdb.Path(t)+"?_pragma=busy_timeout(100)")
	testdb.Exec(t, db, "CREATE TABLE t(x)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	// Another connection of the pool, while tx holds the write lock.
	_, err = db.Exec("INSERT INTO t VALUES (2)")
	if !errors.Is(err, sqlite3.BUSY) || !strings.Contains(err.Error(), "writer queue") {
		t.Errorf("write while another connection writes: %v", err)
	}
}

// Two pools on one file, under two spellings of its path, share one queue.
func TestQueue_sharedByFile(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	a := open(t, "file:"+path+"?_pragma=busy_timeout(100)")
	testdb.Exec(t, a, "CREATE TABLE t(x)")
	dir, base := filepath.Split(path)
	other := dir + "." + string(filepath.Separator) + base // not cleaned: another spelling
	b := open(t, "file:"+other+"?_pragma=busy_timeout(100)")

	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = b.Exec("INSERT INTO t VALUES (1)")
	if !errors.Is(err, sqlite3.BUSY) || !strings.Contains(err.Error(), "writer queue") {
		t.Errorf("write through a second pool while the first writes: %v, want a wait in the shared writer queue", err)
	}
}
