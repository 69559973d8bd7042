package driver_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func TestValues(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))
	_, err := db.Exec(`CREATE TABLE v(
		i INTEGER, r REAL, s TEXT, b BLOB, n, flag BOOLEAN, at DATETIME, raw)`)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 20, 15, 30, 123456789, time.UTC)
	_, err = db.Exec("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		int64(-7), 2.5, "héllo", []byte{0, 1, 2}, nil, true, at, "2026-11-23T20:15:30Z")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		I    int64
		R    float64
		S    string
		B    []byte
		N    sql.NullString
		Flag bool
		At   time.Time
		Raw  any
	}
	var got row
	err = db.QueryRow("SELECT * FROM v").Scan(&got.I, &got.R, &got.S, &got.B, &got.N, &got.Flag, &got.At, &got.Raw)
	if err != nil {
		t.Fatal(err)
	}
	// Raw, of no declared type, holds an RFC 3339 time: it arrives as a
	// time.Time, as with ncruces/go-sqlite3 (in a TEXT column it would
	// stay a string).
	want := row{I: -7, R: 2.5, S: "héllo", B: []byte{0, 1, 2}, Flag: true, At: at, Raw: time.Date(2026, 11, 23, 20, 15, 30, 0, time.UTC)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// Empty BLOB and empty TEXT keep their types.
	var blob, text any
	if err := db.QueryRow("SELECT x'', ''").Scan(&blob, &text); err != nil {
		t.Fatal(err)
	}
	if b, ok := blob.([]byte); !ok || len(b) != 0 {
		t.Errorf("empty BLOB scanned as %#v", blob)
	}
	if s, ok := text.(string); !ok || s != "" {
		t.Errorf("empty TEXT scanned as %#v", text)
	}

	// sqlite3.JSON binds as JSON text.
	var js string
	if err := db.QueryRow("SELECT json_extract(?, '$.a')", sqlite3.JSON(map[string]int{"a": 5})).Scan(&js); err != nil || js != "5" {
		t.Errorf("sqlite3.JSON: %q, %v", js, err)
	}
}

func TestArguments(t *testing.T) {
	t.Parallel()
	db := open(t, testdb.Path(t))

	// A script with arguments gives each statement its share.
	_, err := db.Exec(`
		CREATE TABLE a(x);
		INSERT INTO a VALUES (?), (?);
		INSERT INTO a VALUES (?) -- a comment
		;`, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	var sum int
	if err := db.QueryRow("SELECT sum(x) FROM a").Scan(&sum); err != nil || sum != 6 {
		t.Errorf("sum: %d, %v", sum, err)
	}

	// Named arguments, with each prefix.
	for _, q := range []string{"SELECT :v + 1", "SELECT @v + 1", "SELECT $v + 1"} {
		var n int
		if err := db.QueryRow(q, sql.Named("v", 41)).Scan(&n); err != nil || n != 42 {
			t.Errorf("%s: %d, %v", q, n, err)
		}
	}

	// A parameter without a value, and a positional argument no parameter
	// takes, are errors.
	for _, tt := range []struct {
		query string
		args  []any
		msg   string
	}{
		{"SELECT :v", []any{sql.Named("w", 1)}, `no value for parameter :v`},
		{"INSERT INTO a VALUES (?)", []any{1, 2}, "argument 2: the statement has fewer parameters"},
		{"INSERT INTO a VALUES (?); INSERT INTO a VALUES (4)", []any{1, 2}, "argument 2: the statement has fewer parameters"},
	} {
		_, err := db.Exec(tt.query, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Exec(%q): %v, want %q", tt.query, err, tt.msg)
		}
	}
	if err := db.QueryRow("SELECT :v", sql.Named("w", 1)).Scan(new(any)); err == nil || !strings.Contains(err.Error(), `no value for parameter :v`) {
		t.Errorf("QueryRow with a misspelled named argument: %v", err)
	}

	// Query takes one statement.
	if _, err := db.Query("SELECT 1; SELECT 2"); err == nil || !strings.Contains(err.Error(), `only one statement is allowed here; "SELECT 2" follows it`) {
		t.Errorf("Query of two statements: %v", err)
	}

	// Prepared statements, reused.
	st, err := db.Prepare("SELECT x * ? FROM a WHERE x = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := 1; i <= 3; i++ {
		var n int
		if err := st.QueryRow(10, i).Scan(&n); err != nil || n != 10*i {
			t.Errorf("prepared, x=%d: %d, %v", i, n, err)
		}
	}
	if _, err := st.Exec(1); err == nil {
		t.Error("prepared statement with too few arguments ran")
	}

	// LastInsertId and RowsAffected.
	testdb.Exec(t, db, "CREATE TABLE c(x); INSERT INTO c VALUES (1), (2), (3)")
	res, err := db.Exec("INSERT INTO c VALUES (10)")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	n, _ := res.RowsAffected()
	if id != 4 || n != 1 {
		t.Errorf("LastInsertId %d, RowsAffected %d; want 4, 1", id, n)
	}
	res, err = db.Exec("UPDATE c SET x = x + 1 WHERE x < ?", 3)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 2 {
		t.Errorf("RowsAffected of an update: %d, want 2", n)
	}
}
