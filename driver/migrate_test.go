package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlitekit", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func version(t testing.TB, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// raceSteps log each run of a step, so a test can count them; the Go
// steps sleep to widen the window in which two processes race.
func raceSteps() []driver.Migration {
	steps := []driver.Migration{{Name: "001_log.sql", SQL: "CREATE TABLE log(step INTEGER, pid INTEGER)"}}
	for i := 2; i <= 5; i++ {
		steps = append(steps, driver.Migration{
			Name: fmt.Sprintf("step %d", i),
			Func: func(ctx context.Context, tx *sql.Tx) error {
				time.Sleep(5 * time.Millisecond)
				_, err := tx.ExecContext(ctx, "INSERT INTO log VALUES (?, ?)", i, os.Getpid())
				return err
			},
		})
	}
	steps[0].SQL += "; INSERT INTO log VALUES (1, " + fmt.Sprint(os.Getpid()) + ")"
	return steps
}

const migrateEnv = "SQLITEKIT_TEST_MIGRATE_DB"

// TestMigrate_helperProcess is the other process of
// TestMigrate_twoProcesses; run alone, it does nothing.
func TestMigrate_helperProcess(t *testing.T) {
	path := os.Getenv(migrateEnv)
	if path == "" {
		t.Skip("helper process for TestMigrate_twoProcesses")
	}
	db := openDB(t, path)
	if err := driver.Migrate(context.Background(), db, raceSteps()); err != nil {
		t.Fatal(err)
	}
}

func TestMigrate_twoProcesses(t *testing.T) {
	path := testdb.Path(t) // a new file: the racers also race to switch it to WAL
	var cmds []*exec.Cmd
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMigrate_helperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), migrateEnv+"="+path)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("helper output:\n%s", out.String())
			}
		})
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}

	db := openDB(t, path)
	rows, err := db.Query("SELECT step, count(*) FROM log GROUP BY step ORDER BY step")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int]int{}
	for rows.Next() {
		var step, n int
		if err := rows.Scan(&step, &n); err != nil {
			t.Fatal(err)
		}
		got[step] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[int]int{1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs per step (-want +got):\n%s", diff)
	}
	if v := version(t, db); v != 5 {
		t.Errorf("user_version = %d, want 5", v)
	}
}

func TestMigrate_concurrentPools(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t) // a new file: the racers also race to switch it to WAL
	errs := make(chan error, 3)
	for range 3 {
		db := openDB(t, path)
		go func() { errs <- driver.Migrate(context.Background(), db, raceSteps()) }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t, path)
	var runs, steps int
	if err := db.QueryRow("SELECT count(*), count(DISTINCT step) FROM log").Scan(&runs, &steps); err != nil {
		t.Fatal(err)
	}
	if runs != 5 || steps != 5 {
		t.Errorf("%d runs of %d distinct steps, want 5 of 5", runs, steps)
	}
}

func TestMigrate_failingStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, testdb.Path(t))
	steps := []driver.Migration{
		{Name: "001_a.sql", SQL: "CREATE TABLE a(x)"},
		{Name: "002_b.sql", SQL: "CREATE TABLE b(x)"},
		{Name: "003_c.sql", SQL: "CREATE TABLE c(x); INSERT INTO a VALUES (1); INSERT INTO missing VALUES (1)"},
		{Name: "004_d.sql", SQL: "CREATE TABLE d(x)"},
		{Name: "005_e.sql", SQL: "CREATE TABLE e(x)"},
	}
	err := driver.Migrate(ctx, db, steps)
	if err == nil {
		t.Fatal("Migrate succeeded, want an error at step 3")
	}
	if want := `sqlitekit: migrations[2] "003_c.sql": `; !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("error = %q, want it to begin with %q and name the missing table", err, want)
	}
	if v := version(t, db); v != 2 {
		t.Errorf("user_version = %d, want 2", v)
	}
	var tables []string
	rows, err := db.Query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if diff := cmp.Diff([]string{"a", "b"}, tables); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	var n int
	db.QueryRow("SELECT count(*) FROM a").Scan(&n)
	if n != 0 {
		t.Errorf("a has %d rows, want step 3's insert rolled back", n)
	}

	// Fixed, the migrations go on from step 3.
	steps[2].SQL = "CREATE TABLE c(x)"
	if err := driver.Migrate(ctx, db, steps); err != nil {
		t.Fatal(err)
	}
	if v := version(t, db); v != 5 {
		t.Errorf("user_version = %d, want 5", v)
	}
}

func TestMigrate_goStepError(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	boom := errors.New("boom")
	err := driver.Migrate(context.Background(), db, []driver.Migration{
		{SQL: "CREATE TABLE a(x)"},
		{Func: func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO a VALUES (1)"); err != nil {
				return err
			}
			return boom
		}},
	})
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "sqlitekit: migrations[1]: ") {
		t.Errorf("error = %v, want boom wrapped with migrations[1]", err)
	}
	var n int
	db.QueryRow("SELECT count(*) FROM a").Scan(&n)
	if n != 0 || version(t, db) != 1 {
		t.Errorf("rows = %d, version = %d; want 0 and 1", n, version(t, db))
	}
}

func TestMigrate_newerDatabase(t *testing.T) {
	t.Parallel()
	db := openDB(t, testdb.Path(t))
	if _, err := db.Exec("PRAGMA user_version = 7"); err != nil {
		t.Fatal(err)
	}
	err := driver.Migrate(context.Background(), db, []driver.Migration{{SQL: "CREATE TABLE a(x)"}, {SQL: "CREATE TABLE b(x)"}})
	if !errors.Is(err, driver.ErrNewerDatabase) {
		t.Fatalf("error = %v, want ErrNewerDatabase", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "version 7") || !strings.Contains(msg, "version 2") {
		t.Errorf("error = %q, want both versions in it", msg)
	}
}

// The 12-step procedure: rebuilding a parent table with foreign keys on
// would cascade the DROP into its children.
func TestMigrate_foreignKeysOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, testdb.Path(t))
	db.SetMaxOpenConns(1) // so the test sees the connection Migrate used
	base := []driver.Migration{{SQL: `
		CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT);
		CREATE TABLE child(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id) ON DELETE CASCADE);
		INSERT INTO parent VALUES (1, 'a'), (2, 'b');
		INSERT INTO child VALUES (10, 1), (20, 2);`}}
	rebuild := func(extra string) driver.Migration {
		return driver.Migration{ForeignKeysOff: true, SQL: `
			CREATE TABLE new_parent(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
			INSERT INTO new_parent SELECT id, name FROM parent ` + extra + `;
			DROP TABLE parent;
			ALTER TABLE new_parent RENAME TO parent;`}
	}
	// A rebuild that loses a parent row fails foreign_key_check and is
	// rolled back.
	err := driver.Migrate(ctx, db, append(base, rebuild("WHERE id = 1")))
	if err == nil || !strings.Contains(err.Error(), "foreign_key_check") {
		t.Fatalf("error = %v, want a foreign_key_check failure", err)
	}
	if v := version(t, db); v != 1 {
		t.Errorf("user_version = %d, want 1", v)
	}
	if err := driver.Migrate(ctx, db, append(base, rebuild(""))); err != nil {
		t.Fatal(err)
	}
	var children, fk int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM child), (SELECT foreign_keys FROM pragma_foreign_keys)").Scan(&children, &fk); err != nil {
		t.Fatal(err)
	}
	if children != 2 || fk != 1 {
		t.Errorf("children = %d, foreign_keys = %d after the rebuild; want 2 and 1", children, fk)
	}
}

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"m/002_b.sql":     {Data: []byte("CREATE TABLE b(x)")},
		"m/001_a.sql":     {Data: []byte("CREATE TABLE a(x)")},
		"m/3-rebuild.sql": {Data: []byte("-- rebuild\n" + driver.ForeignKeysOffDirective + "\nSELECT 1")},
		"m/README.md":     {Data: []byte("not a step")},
	}
	got, err := driver.LoadMigrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	want := []driver.Migration{
		{Name: "001_a.sql", SQL: "CREATE TABLE a(x)"},
		{Name: "002_b.sql", SQL: "CREATE TABLE b(x)"},
		{Name: "3-rebuild.sql", SQL: "-- rebuild\n" + driver.ForeignKeysOffDirective + "\nSELECT 1", ForeignKeysOff: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadMigrations (-want +got):\n%s", diff)
	}

	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"001_a.sql": {}, "003_c.sql": {}},
		"repeat":    {"001_a.sql": {}, "1_b.sql": {}},
		"no number": {"a.sql": {}},
		"from zero": {"000_a.sql": {}},
	} {
		if _, err := driver.LoadMigrations(fsys, "."); err == nil {
			t.Errorf("%s: LoadMigrations succeeded, want an error", name)
		}
	}
}
