//go:build benchmattn && cgo

package main

import (
	"path/filepath"
	"testing"
	"time"

	_ "github.com/sqlitekit/sqlitekit/driver"
)

// mattn/go-sqlite3 writes times as sqlitekit does with
// _time_format=sqlite, and its _loc means what sqlitekit's does: the
// time read, moved to that location. Run with -tags benchmattn (cgo).
func TestTimeFormatInterop_mattn(t *testing.T) {
	zone := time.FixedZone("", -(3*3600 + 30*60))
	at := time.Date(2026, 11, 23, 20, 15, 30, 123456789, zone)
	path := filepath.Join(t.TempDir(), "t.db")
	mattn := openT(t, "sqlite3", path+"?_loc=auto")
	kit := openT(t, "sqlitekit", path+"?_loc=auto&_time_format=sqlite")
	if _, err := kit.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, at DATETIME)`); err != nil {
		t.Fatal(err)
	}
	if _, err := mattn.Exec(`INSERT INTO t VALUES (1, ?), (3, '2026-11-23 20:15:30')`, at); err != nil {
		t.Fatal(err)
	}
	if _, err := kit.Exec(`INSERT INTO t VALUES (2, ?)`, at); err != nil {
		t.Fatal(err)
	}
	var m, k string
	if err := kit.QueryRow(`SELECT (SELECT CAST(at AS TEXT) FROM t WHERE id = 1), (SELECT CAST(at AS TEXT) FROM t WHERE id = 2)`).Scan(&m, &k); err != nil {
		t.Fatal(err)
	}
	if m != k {
		t.Errorf("mattn stored %q, sqlitekit with _time_format=sqlite %q", m, k)
	}
	for id := 1; id <= 3; id++ {
		var fromMattn, fromKit time.Time
		if err := mattn.QueryRow(`SELECT at FROM t WHERE id = ?`, id).Scan(&fromMattn); err != nil {
			t.Fatal(err)
		}
		if err := kit.QueryRow(`SELECT at FROM t WHERE id = ?`, id).Scan(&fromKit); err != nil {
			t.Fatal(err)
		}
		if !fromMattn.Equal(fromKit) || fromMattn.Location().String() != fromKit.Location().String() {
			t.Errorf("row %d: mattn reads %v (%v), sqlitekit %v (%v)", id, fromMattn, fromMattn.Location(), fromKit, fromKit.Location())
		}
	}
}
