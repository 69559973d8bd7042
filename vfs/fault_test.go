package vfs_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/pragma"
	"github.com/sqlitekit/sqlitekit/vfs"
)

// For each class of file call, make the nth one fail (and every later
// one: a broken disk stays broken) at points all along a workload. A fault
// that reaches a transaction surfaces as an error matching SQLITE_IOERR,
// nothing panics, and once the fault is lifted the database reopens intact
// and holds exactly the transactions whose Commit reported success.
//
// Write and sync faults reach transactions. Truncate faults hit the
// checkpoints that follow commits, which SQLite retries later, and in WAL
// mode the only file-lock calls are made when a connection opens: those
// faults never fail a transaction, and the database is checked all the
// same. Shared-memory (WAL-index) calls cannot be reached from a VFS
// wrapper: ncruces' vfs.SharedMemory has unexported methods.
func TestFaults(t *testing.T) {
	t.Parallel()
	// A run without a fault counts the calls of each class, so that the
	// faults land all along the workload.
	hit, d := faultRun(t, testdb.Path(t), nil, 0)
	if hit {
		t.Fatal("a fault hit a run without one")
	}
	total := func(f func(vfs.FileStats) uint64) int64 {
		return int64(f(d.Main) + f(d.WAL) + f(d.Journal) + f(d.Temp))
	}
	ops := []struct {
		name  string
		op    vfs.FaultOp
		calls int64
	}{
		{"write", vfs.FaultWrite, total(func(s vfs.FileStats) uint64 { return s.Writes })},
		{"sync", vfs.FaultSync, total(func(s vfs.FileStats) uint64 { return s.Syncs })},
		{"truncate", vfs.FaultTruncate, total(func(s vfs.FileStats) uint64 { return s.Truncates })},
		{"lock", vfs.FaultLock, total(func(s vfs.FileStats) uint64 { return s.Locks + s.Busy })},
	}
	points := 12
	if testing.Short() {
		points = 4
	}
	for _, op := range ops {
		hits := 0
		for p := range points {
			nth := 1 + int64(p)*op.calls/int64(points)
			t.Run(fmt.Sprintf("%s/%d", op.name, nth), func(t *testing.T) {
				if hit, _ := faultRun(t, testdb.Path(t), &op.op, nth); hit {
					hits++
				}
			})
		}
		t.Logf("%s: %d calls in the workload; %d of %d faults failed a transaction", op.name, op.calls, hits, points)
	}
}

// faultRun runs the workload with one fault armed; it reports whether the
// fault was hit, and the file calls of the workload.
func faultRun(t *testing.T, path string, op *vfs.FaultOp, nth int64) (hit bool, calls vfs.Stats) {
	// synchronous=FULL syncs at every commit; a small autocheckpoint and
	// WAL size limit make checkpoints and truncates happen. (Config.String
	// escapes the path: a subtest's directory may have a '#' in its name.)
	cfg := pragma.Default()
	cfg.Path = path
	cfg.Synchronous = pragma.SyncFull
	cfg.WALAutocheckpoint = 20
	cfg.JournalSizeLimit = 8192
	dsn := cfg.String()
	db, err := sql.Open("sqlitekit", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(2)
	if _, err := db.Exec("CREATE TABLE t(tx INTEGER, i INTEGER, pad BLOB)"); err != nil {
		t.Fatal(err)
	}

	lift := func() {}
	if op != nil {
		lift = vfs.InjectFault(path, *op, nth, sqlite3.IOERR)
	}
	var committed []int
	for tx := range 30 {
		err := func() error {
			t, err := db.Begin()
			if err != nil {
				return err
			}
			defer t.Rollback()
			for i := range 5 {
				if _, err := t.Exec("INSERT INTO t VALUES (?, ?, randomblob(3000))", tx, i); err != nil {
					return err
				}
			}
			return t.Commit()
		}()
		switch {
		case err == nil:
			committed = append(committed, tx)
		case errors.Is(err, sqlite3.IOERR):
			hit = true
		default:
			t.Errorf("transaction %d: %v, want an error matching SQLITE_IOERR", tx, err)
		}
	}
	lift()
	calls = vfs.StatsOf(path) // the counts go when the pool closes
	db.Close()

	db = testdb.Open(t, dsn)
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check after the fault: %q, %v", ok, err)
	}
	rows, err := db.Query("SELECT tx, count(*) FROM t GROUP BY tx ORDER BY tx")
	if err != nil {
		t.Fatal(err)
	}
	var found []int
	for rows.Next() {
		var tx, n int
		if err := rows.Scan(&tx, &n); err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Errorf("transaction %d has %d rows of 5: torn", tx, n)
		}
		found = append(found, tx)
	}
	if fmt.Sprint(found) != fmt.Sprint(committed) {
		t.Errorf("transactions in the database %v, reported committed %v", found, committed)
	}
	return hit, calls
}

// A full disk: writes fail with SQLITE_FULL, reads of what is committed
// keep working, and once there is room again writes work and nothing is
// lost.
func TestFaults_diskFull(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db := testdb.Open(t, path)
	if _, err := db.Exec("CREATE TABLE t(x BLOB); INSERT INTO t SELECT randomblob(1000) FROM generate_series(1, 100)"); err != nil {
		t.Fatal(err)
	}
	lift := vfs.InjectFault(path, vfs.FaultWrite, 1, sqlite3.FULL)
	_, err := db.Exec("INSERT INTO t SELECT randomblob(1000) FROM generate_series(1, 100)")
	if !errors.Is(err, sqlite3.FULL) {
		t.Errorf("insert on a full disk: %v, want SQLITE_FULL", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 100 {
		t.Errorf("read on a full disk: %d rows, %v; want 100", n, err)
	}
	lift()
	if _, err := db.Exec("INSERT INTO t SELECT randomblob(1000) FROM generate_series(1, 100)"); err != nil {
		t.Errorf("insert once there is room: %v", err)
	}
	var ok string
	if err := db.QueryRow("SELECT (SELECT count(*) FROM t), (SELECT integrity_check FROM pragma_integrity_check)").Scan(&n, &ok); err != nil || n != 200 || ok != "ok" {
		t.Errorf("after the disk had room again: %d rows, integrity %q, %v; want 200, ok", n, ok, err)
	}
}
