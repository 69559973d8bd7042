package vfs_test

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestMain lets the test binary play the second process of
// TestTwoProcesses: with SQLITEKIT_WRITER set, it writes rows and exits.
func TestMain(m *testing.M) {
	if path := os.Getenv("SQLITEKIT_WRITER"); path != "" {
		n, _ := strconv.Atoi(os.Getenv("SQLITEKIT_ROWS"))
		if err := writeRows(path, "child", n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeRows inserts n rows, one transaction each, from 4 goroutines.
func writeRows(path, who string, n int) error {
	db, err := sql.Open("sqlitekit", path)
	if err != nil {
		return err
	}
	defer db.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < n; i += 4 {
				tx, err := db.Begin()
				if err != nil {
					errs <- err
					return
				}
				if _, err := tx.Exec("INSERT INTO t(who, i) VALUES (?, ?)", who, i); err != nil {
					tx.Rollback()
					errs <- err
					return
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// Two OS processes write to one WAL database through sqlitekit at once:
// each process queues its own writers, the processes meet at SQLite's
// lock, and no row is lost.
func TestTwoProcesses(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db := open(t, path)
	testdb.Exec(t, db, "CREATE TABLE t(who TEXT, i INTEGER, UNIQUE(who, i))")

	n := 400
	if testing.Short() {
		n = 100
	}
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "SQLITEKIT_WRITER="+path, "SQLITEKIT_ROWS="+strconv.Itoa(n))
	out := make(chan []byte, 1)
	go func() {
		b, err := child.CombinedOutput()
		if err != nil {
			b = append(b, []byte(err.Error())...)
		} else {
			b = nil
		}
		out <- b
	}()
	if err := writeRows(path, "parent", n); err != nil {
		t.Error(err)
	}
	if b := <-out; b != nil {
		t.Fatalf("child process: %s", b)
	}

	var parent, childRows int
	err := db.QueryRow("SELECT count(*) FILTER (WHERE who = 'parent'), count(*) FILTER (WHERE who = 'child') FROM t").Scan(&parent, &childRows)
	if err != nil || parent != n || childRows != n {
		t.Errorf("rows: parent %d, child %d, %v; want %d each", parent, childRows, err, n)
	}
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q, %v", ok, err)
	}
}
