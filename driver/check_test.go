package driver_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, testdb.Path(t))
	fill(t, db, 100)
	for _, quick := range []bool{false, true} {
		if got, err := driver.Check(ctx, db, quick); err != nil || got != nil {
			t.Errorf("Check(quick=%v) of a sound database: %v, %v", quick, got, err)
		}
	}

	// Orphans written with enforcement off.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.ExecContext(ctx, `PRAGMA foreign_keys=OFF;
		CREATE TABLE parent(id INTEGER PRIMARY KEY);
		CREATE TABLE child(id INTEGER PRIMARY KEY, pid REFERENCES parent(id));
		INSERT INTO child VALUES (7, 1);
		PRAGMA foreign_keys=ON`)
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	got, err := driver.Check(ctx, db, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []driver.Problem{{
		Check: "foreign_key_check", Table: "child", RowID: 7, Parent: "parent", ForeignKey: 0,
		Message: "row 7 of child refers to a missing row of parent (foreign key 0)",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	if s := got[0].String(); s != "foreign_key_check: "+want[0].Message {
		t.Errorf("String() = %q", s)
	}
}
