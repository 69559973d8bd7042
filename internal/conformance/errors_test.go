package conformance_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ncruces/go-sqlite3"
)

// Errors of SQLite keep their codes wherever they come from (Exec, a
// prepared statement, a script, a transaction, the rows of a query):
// errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) and errors.As(err,
// **sqlite3.Error), which code written for ncruces (its gormlite
// dialect's duplicate-key check) relies on.
func TestErrorCodes(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, `CREATE TABLE p(id INTEGER PRIMARY KEY);
		CREATE TABLE c(id INTEGER PRIMARY KEY, p REFERENCES p(id), u UNIQUE, n NOT NULL, k CHECK (k > 0));
		INSERT INTO c(id, u, n) VALUES (1, 1, 1)`)
	ctx := context.Background()
	st, err := db.Prepare("INSERT INTO c(u, n) VALUES (?, 1)")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tt := range []struct {
		name string
		run  func() error
		code sqlite3.ExtendedErrorCode
	}{
		{"foreign key", func() error { _, err := db.Exec("INSERT INTO c(p, n) VALUES (99, 1)"); return err }, sqlite3.CONSTRAINT_FOREIGNKEY},
		{"unique", func() error { _, err := db.Exec("INSERT INTO c(u, n) VALUES (1, 1)"); return err }, sqlite3.CONSTRAINT_UNIQUE},
		{"not null", func() error { _, err := db.Exec("INSERT INTO c(n) VALUES (NULL)"); return err }, sqlite3.CONSTRAINT_NOTNULL},
		{"primary key", func() error { _, err := db.Exec("INSERT INTO c(id, n) VALUES (1, 1)"); return err }, sqlite3.CONSTRAINT_PRIMARYKEY},
		{"check", func() error { _, err := db.Exec("INSERT INTO c(n, k) VALUES (1, 0)"); return err }, sqlite3.CONSTRAINT_CHECK},
		{"prepared", func() error { _, err := st.Exec(1); return err }, sqlite3.CONSTRAINT_UNIQUE},
		{"script", func() error { _, err := db.Exec("SELECT 1; INSERT INTO c(u, n) VALUES (?, 1)", 1); return err }, sqlite3.CONSTRAINT_UNIQUE},
		{"transaction", func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			_, err = tx.Exec("INSERT INTO c(u, n) VALUES (1, 1)")
			return err
		}, sqlite3.CONSTRAINT_UNIQUE},
		{"rows", func() error {
			rows, err := db.Query("INSERT INTO c(u, n) VALUES (1, 1) RETURNING id")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}, sqlite3.CONSTRAINT_UNIQUE},
	} {
		err := tt.run()
		var serr *sqlite3.Error
		if !errors.Is(err, tt.code) || !errors.Is(err, sqlite3.CONSTRAINT) || !errors.As(err, &serr) || serr.ExtendedCode() != tt.code {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.code)
		}
	}
	if n := count(t, db, "c"); n != 1 {
		t.Errorf("%d rows", n)
	}

	for _, q := range []string{"SELEC 1", "SELECT * FROM nope", "INSERT INTO c(nope) VALUES (1)"} {
		_, err := db.Exec(q)
		var serr *sqlite3.Error
		if !errors.Is(err, sqlite3.ERROR) || !errors.As(err, &serr) {
			t.Errorf("%s: %v, want sqlite3.ERROR", q, err)
		}
	}
}
