package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/crashtest"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// Crash tests of the storage helpers: a child process runs Migrate,
// Backup, VacuumInto or checkpoints and is killed with SIGKILL at a random
// moment; what it leaves must be whole.

// TestCrashChild plays the roles of the children the crash tests kill.
func TestCrashChild(t *testing.T) {
	crashtest.Child(t, map[string]crashtest.Role{
		"migrate": func(path string) error {
			return childDo(path, func(db *sql.DB) error {
				return driver.Migrate(context.Background(), db, crashSteps())
			})
		},
		"backup": func(arg string) error {
			src, dest, _ := strings.Cut(arg, "|")
			return childDo(src, func(db *sql.DB) error {
				return driver.Backup(context.Background(), db, dest, nil)
			})
		},
		"vacuum": func(arg string) error {
			src, dest, _ := strings.Cut(arg, "|")
			return childDo(src, func(db *sql.DB) error {
				return driver.VacuumInto(context.Background(), db, dest)
			})
		},
		"checkpoint": checkpointChild,
		// truncate grows the WAL by a few MB of rows, acknowledges the
		// last id, then checkpoints with CheckpointTruncate.
		"truncate": func(dsn string) error {
			db, err := sql.Open("sqlitekit", dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, pad BLOB)"); err != nil {
				return err
			}
			var last int64
			for range 4 {
				_, err := db.Exec(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
					INSERT INTO t SELECT (SELECT coalesce(max(id), 0) FROM t) + x, randomblob(300) FROM c`, crashtest.Size(5000))
				if err != nil {
					return err
				}
			}
			if err := db.QueryRow("SELECT max(id) FROM t").Scan(&last); err != nil {
				return err
			}
			crashtest.Ack(strconv.FormatInt(last, 10))
			if _, err := driver.Checkpoint(context.Background(), db, driver.CheckpointTruncate); err != nil {
				return err
			}
			crashtest.Ack("done")
			return nil
		},
	})
}

// childDo is crashtest.Do on a sqlitekit pool of dsn.
func childDo(dsn string, do func(*sql.DB) error) error {
	return crashtest.Do(func() (*sql.DB, error) { return sql.Open("sqlitekit", dsn) }, do)
}

// calibrate runs role to the end once and returns how long its work took,
// from "ready" to "done": the span the kills of a test land in.
func calibrate(t *testing.T, role, arg string) time.Duration {
	t.Helper()
	acks, killed := crashtest.Run(t, role, arg, time.Hour)
	if killed || len(acks) != 2 || acks[1].Text != "done" {
		t.Fatalf("calibration run of %s: %v, killed %v", role, acks, killed)
	}
	return acks[1].At.Sub(acks[0].At)
}

var crashStepRows = crashtest.Size(20000)

// crashSteps are migrations that each take some milliseconds, so that a
// kill lands inside them; each leaves a mark that says it ran: table s<i>
// with crashStepRows rows, and one row in log.
func crashSteps() []driver.Migration {
	fill := func(i int) string {
		return fmt.Sprintf(`CREATE TABLE s%[1]d(id INTEGER PRIMARY KEY, pad BLOB);
			WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %[2]d)
			INSERT INTO s%[1]d SELECT x, randomblob(64) FROM c;
			CREATE INDEX s%[1]d_pad ON s%[1]d(pad);
			INSERT INTO log VALUES (%[1]d);`, i, crashStepRows)
	}
	return []driver.Migration{
		{SQL: "CREATE TABLE log(step INTEGER);" + fill(1)},
		{SQL: fill(2)},
		{Func: func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "CREATE TABLE s3(id INTEGER PRIMARY KEY, pad BLOB)"); err != nil {
				return err
			}
			for id := 1; id <= crashStepRows; id++ {
				if _, err := tx.ExecContext(ctx, "INSERT INTO s3 VALUES (?, randomblob(64))", id); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO log VALUES (3)")
			return err
		}},
		{SQL: fill(4)},
		{ForeignKeysOff: true, SQL: fill(5) + `
			CREATE TABLE s2_new(id INTEGER PRIMARY KEY, pad BLOB, extra INTEGER DEFAULT 5);
			INSERT INTO s2_new(id, pad) SELECT id, pad FROM s2;
			DROP TABLE s2;
			ALTER TABLE s2_new RENAME TO s2;`},
	}
}

// migrated checks the database at path after a kill: user_version v, the
// tables of steps 1..v whole, none of the later ones, each step logged
// once, and s2 rebuilt by step 5 exactly if v is 5. It returns v.
func migrated(t *testing.T, path string) int {
	t.Helper()
	c, err := sqlite3.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	integrityOK(t, c)
	v := int(queryInt(t, c, "PRAGMA user_version"))
	steps := len(crashSteps())
	if v < 0 || v > steps {
		t.Fatalf("user_version %d", v)
	}
	for i := 1; i <= steps; i++ {
		exists := queryInt(t, c, "SELECT count(*) FROM sqlite_schema WHERE name = 's"+strconv.Itoa(i)+"'") == 1
		if exists != (i <= v) {
			t.Fatalf("user_version %d, but table s%d exists: %v", v, i, exists)
		}
		if !exists {
			continue
		}
		if n := queryInt(t, c, "SELECT count(*) FROM s"+strconv.Itoa(i)); n != int64(crashStepRows) {
			t.Fatalf("user_version %d: s%d has %d rows, want %d", v, i, n, crashStepRows)
		}
		if n := queryInt(t, c, "SELECT count(*) FROM log WHERE step = "+strconv.Itoa(i)); n != 1 {
			t.Fatalf("user_version %d: step %d logged %d times", v, i, n)
		}
	}
	if v >= 1 {
		if n := queryInt(t, c, "SELECT count(*) FROM log"); n != int64(v) {
			t.Fatalf("user_version %d: %d steps logged", v, n)
		}
	}
	if v >= 2 {
		extra := queryInt(t, c, "SELECT count(*) FROM pragma_table_info('s2') WHERE name = 'extra'") == 1
		if extra != (v >= 5) {
			t.Fatalf("user_version %d: s2 rebuilt by step 5: %v", v, extra)
		}
	}
	return v
}

func queryInt(t *testing.T, c *sqlite3.Conn, query string) int64 {
	t.Helper()
	s, _, err := c.Prepare(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer s.Close()
	if !s.Step() {
		t.Fatalf("%s: no row: %v", query, s.Err())
	}
	return s.ColumnInt64(0)
}

func integrityOK(t *testing.T, c *sqlite3.Conn) {
	t.Helper()
	s, _, err := c.Prepare("PRAGMA integrity_check")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Step() || s.ColumnText(0) != "ok" {
		t.Fatalf("integrity_check: %q %v", s.ColumnText(0), s.Err())
	}
}

// cliOK checks that the sqlite3 CLI opens the database at path and finds
// it intact.
func cliOK(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(testdb.CLI(t), path, "PRAGMA integrity_check").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("sqlite3 CLI on %s: %v: %s", path, err, out)
	}
}

// removeDB removes the database at path and its -wal, -shm and -journal.
func removeDB(t *testing.T, path string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

// TestCrashMigrate kills Migrate at random moments and re-runs it: after
// each kill user_version counts exactly the steps whose effects are there,
// and no step is half applied or applied twice.
func TestCrashMigrate(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	span := calibrate(t, "migrate", path)
	if v := migrated(t, path); v != len(crashSteps()) {
		t.Fatalf("a whole run left user_version %d", v)
	}
	removeDB(t, path)
	r := rand.New(rand.NewPCG(11, 12))
	kills := crashtest.Kills(24)
	seen := map[int]int{} // kills by the version they left
	for range kills {
		_, killed := crashtest.Run(t, "migrate", path, crashtest.Delay(r, span))
		v := migrated(t, path)
		if killed {
			seen[v]++
		}
		if v == len(crashSteps()) {
			removeDB(t, path)
		}
	}
	// The last run goes to the end from where the kills left it.
	if _, killed := crashtest.Run(t, "migrate", path, time.Hour); killed {
		t.Fatal("the last run was killed")
	}
	if v := migrated(t, path); v != len(crashSteps()) {
		t.Fatalf("the last run left user_version %d", v)
	}
	cliOK(t, path)
	t.Logf("%d kills over %v of migration; versions they left: %v", kills, span, seen)
}

// TestCrashCopy kills Backup and VacuumInto at random moments, to a new
// file, over an older database (Backup) and into an empty file
// (VacuumInto): the destination is then as it was, or a whole copy, never
// a partial file; and a run after the kill succeeds.
func TestCrashCopy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	rows := crashtest.Size(30000)
	db := testdb.Open(t, src)
	testdb.Exec(t, db, `CREATE TABLE t(id INTEGER PRIMARY KEY, pad BLOB);
		WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
		INSERT INTO t SELECT x, randomblob(100 + x % 200) FROM c`, rows)
	var sum int64
	if err := db.QueryRow("SELECT sum(length(pad)) FROM t").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, tc := range []struct {
		role, before string // before: what is at the destination: "", "old", "old WAL", "empty" or "link to empty"
	}{
		{"backup", ""}, {"backup", "old"}, {"backup", "old WAL"}, {"vacuum", ""}, {"vacuum", "empty"},
		{"vacuum", "link to empty"},
	} {
		t.Run(tc.role+"/"+orElse(tc.before, "new"), func(t *testing.T) {
			dir := t.TempDir()
			dest := filepath.Join(dir, "copy.db")
			target := filepath.Join(dir, "target.db") // where dest links to, "link to empty"
			// A page cache smaller than the database, as a large
			// database has: VACUUM INTO writes pages out as it goes.
			arg := "file:" + src + "?_pragma=cache_size(-256)|" + dest
			reset := func() {
				removeDB(t, dest)
				removeDB(t, target)
				switch tc.before {
				case "old":
					c, err := sqlite3.Open(dest)
					if err != nil {
						t.Fatal(err)
					}
					if err := c.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, pad BLOB); INSERT INTO t VALUES (1, x'00')"); err != nil {
						t.Fatal(err)
					}
					c.Close()
				case "old WAL": // an earlier backup of a WAL database, in WAL mode too
					db := testdb.Open(t, dest)
					testdb.Exec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, pad BLOB); INSERT INTO t VALUES (1, x'00')")
					db.Close()
				case "empty":
					if err := os.WriteFile(dest, nil, 0o644); err != nil {
						t.Fatal(err)
					}
				case "link to empty": // the copy goes to the file, and the link stays
					if err := os.WriteFile(target, nil, 0o644); err != nil {
						t.Fatal(err)
					}
					if err := os.Symlink(target, dest); err != nil {
						t.Fatal(err)
					}
				}
			}
			// state says what is at dest: "absent", "empty", "old" or
			// "new", and fails the test for anything else.
			state := func() string {
				t.Helper()
				if tc.before == "link to empty" {
					if fi, err := os.Lstat(dest); err != nil || fi.Mode()&os.ModeSymlink == 0 {
						t.Fatalf("the link at the destination is gone: %v, %v", fi, err)
					}
				}
				fi, err := os.Stat(dest)
				switch {
				case errors.Is(err, os.ErrNotExist):
					return "absent"
				case err != nil:
					t.Fatal(err)
				case fi.Size() == 0:
					return "empty"
				}
				c, err := sqlite3.Open(dest)
				if err != nil {
					t.Fatalf("opening the destination: %v", err)
				}
				defer c.Close()
				integrityOK(t, c)
				if queryInt(t, c, "SELECT count(*) FROM sqlite_schema WHERE name = 't'") == 0 {
					t.Fatal("the destination is a database without table t: a partial copy")
				}
				n := queryInt(t, c, "SELECT count(*) FROM t")
				switch {
				case n == 1:
					return "old"
				case n == int64(rows) && queryInt(t, c, "SELECT sum(length(pad)) FROM t") == sum:
					return "new"
				}
				t.Fatalf("the destination has %d rows, want %d", n, rows)
				return ""
			}
			reset()
			span := calibrate(t, tc.role, arg)
			if s := state(); s != "new" {
				t.Fatalf("a whole run left %s", s)
			}
			want := orElse(strings.TrimSuffix(strings.TrimPrefix(tc.before, "link to "), " WAL"), "absent")
			r := rand.New(rand.NewPCG(21, uint64(len(tc.role)+len(tc.before))))
			kills := crashtest.Kills(16)
			seen := map[string]int{}
			for kill := range kills {
				reset()
				_, killed := crashtest.Run(t, tc.role, arg, crashtest.Delay(r, span))
				s := state()
				if s != want && s != "new" {
					t.Fatalf("kill %d: the destination is %s, want %s or new", kill, s, want)
				}
				if killed {
					seen[s]++
				}
				// Again, after the kill, to the end; VacuumInto refuses a
				// whole copy there, as it refuses any database.
				if tc.role == "vacuum" && s == "new" {
					continue
				}
				if _, killed := crashtest.Run(t, tc.role, arg, time.Hour); killed {
					t.Fatal("the run after a kill was killed")
				}
				if s := state(); s != "new" {
					t.Fatalf("kill %d: the run after it left %s", kill, s)
				}
			}
			cliOK(t, dest)
			left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*"))
			t.Logf("%d kills over %v of copy; the destination after them: %v; %d temporary files left", kills, span, seen, len(left))
		})
	}
}

func orElse(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}

// checkpointChild commits numbered rows in a loop on dsn and checkpoints
// with CheckpointTruncate after every fifth commit, acknowledging the last
// id of each transaction once Commit has returned; a small
// wal_autocheckpoint keeps the pool's background checkpointer busy too.
func checkpointChild(dsn string) error {
	db, err := sql.Open("sqlitekit", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, pad BLOB)"); err != nil {
		return err
	}
	var next int64
	if err := db.QueryRow("SELECT coalesce(max(id), 0) + 1 FROM t").Scan(&next); err != nil {
		return err
	}
	crashtest.Ack("ready")
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), 5))
	for n := 1; ; n++ {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		for range 1 + r.IntN(40) {
			if _, err := tx.Exec("INSERT INTO t VALUES (?, randomblob(?))", next, 16+r.IntN(3000)); err != nil {
				tx.Rollback()
				return err
			}
			next++
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		crashtest.Ack(strconv.FormatInt(next-1, 10))
		if n%5 == 0 {
			if _, err := driver.Checkpoint(context.Background(), db, driver.CheckpointTruncate); err != nil {
				return err
			}
		}
	}
}

// TestCrashCheckpoint kills a writer that checkpoints, with
// CheckpointTruncate and in the background, at random moments: every
// acknowledged transaction is there after each kill, with no torn one,
// and the database is intact, for sqlitekit and the sqlite3 CLI.
func TestCrashCheckpoint(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	dsn := "file:" + path + "?_pragma=wal_autocheckpoint(64)"
	r := rand.New(rand.NewPCG(31, 32))
	kills := crashtest.Kills(16)
	var acked int64
	for kill := range kills {
		acks, killed := crashtest.Run(t, "checkpoint", dsn, crashtest.Delay(r, 300*time.Millisecond))
		if !killed {
			t.Fatal("the writer ended by itself")
		}
		for _, a := range acks[1:] {
			id, err := strconv.ParseInt(a.Text, 10, 64)
			if err != nil {
				t.Fatalf("ack %q", a.Text)
			}
			acked = id
		}
		c, err := sqlite3.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		integrityOK(t, c)
		n, maxID := queryInt(t, c, "SELECT count(*) FROM t"), queryInt(t, c, "SELECT coalesce(max(id), 0) FROM t")
		c.Close()
		if maxID < acked {
			t.Fatalf("kill %d: acknowledged up to id %d, the database has up to %d: committed rows lost", kill, acked, maxID)
		}
		if n != maxID {
			t.Fatalf("kill %d: %d rows for ids up to %d: a torn transaction", kill, n, maxID)
		}
		cliOK(t, path)
	}
	if acked == 0 {
		t.Fatal("the writer never committed")
	}
	t.Logf("%d kills; %d rows acknowledged", kills, acked)
}

// TestCrashTruncate kills Checkpoint(CheckpointTruncate) of a WAL of a few
// MB at random moments: every committed row is there after each kill, the
// database intact, for sqlitekit and the sqlite3 CLI.
func TestCrashTruncate(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	dsn := "file:" + path + "?_pragma=wal_autocheckpoint(0)" // the WAL grows until the TRUNCATE
	span := calibrate(t, "truncate", dsn)
	r := rand.New(rand.NewPCG(81, 82))
	kills := crashtest.Kills(16)
	seen := 0
	for kill := range kills {
		removeDB(t, path)
		acks, killed := crashtest.Run(t, "truncate", dsn, crashtest.Delay(r, span))
		acked, err := strconv.ParseInt(acks[0].Text, 10, 64)
		if err != nil {
			t.Fatalf("ack %q", acks[0].Text)
		}
		if killed {
			seen++
		}
		c, err := sqlite3.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		integrityOK(t, c)
		n, maxID := queryInt(t, c, "SELECT count(*) FROM t"), queryInt(t, c, "SELECT max(id) FROM t")
		c.Close()
		if maxID != acked || n != maxID {
			t.Fatalf("kill %d: %d rows up to id %d; %d were committed", kill, n, maxID, acked)
		}
		cliOK(t, path)
	}
	t.Logf("%d kills over %v of checkpoint, %d before it returned", kills, span, seen)
}
