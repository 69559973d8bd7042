package driver_test

import (
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestTimes_fromExpressions pins what pragma's refusal of modernc's
// _texttotime says: a DATETIME column reads date-shaped text as a time;
// an expression over it reads as a time only if the text is RFC 3339 as
// sqlitekit writes times, otherwise as a string.
func TestTimes_fromExpressions(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	if _, err := db.Exec(`CREATE TABLE t(ts DATETIME, note TEXT);
		INSERT INTO t VALUES ('2024-01-01 00:00:00+00:00', '2024-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	var tm time.Time
	if err := db.QueryRow("SELECT ts FROM t").Scan(&tm); err != nil {
		t.Errorf("the DATETIME column into a time.Time: %v", err)
	}
	if err := db.QueryRow("SELECT max(ts) FROM t").Scan(&tm); err == nil {
		t.Errorf("max(ts) of SQLite's date text into a time.Time: no error, want a string that does not convert")
	}
	var s string
	if err := db.QueryRow("SELECT max(ts) FROM t").Scan(&s); err != nil || s != "2024-01-01 00:00:00+00:00" {
		t.Errorf("max(ts) into a string: %q, %v", s, err)
	}
	if err := db.QueryRow("SELECT note FROM t").Scan(&s); err != nil || s != "2024-01-01T00:00:00Z" {
		t.Errorf("the TEXT column into a string: %q, %v", s, err)
	}
	if err := db.QueryRow("SELECT max(note) FROM t").Scan(&tm); err != nil || !tm.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("max(note) of RFC 3339 text into a time.Time: %v, %v", tm, err)
	}
}
