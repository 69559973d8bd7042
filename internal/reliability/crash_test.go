package reliability_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/crashtest"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestMain lets the test binary play the processes of TestMultiProcess.
func TestMain(m *testing.M) {
	if dsn := os.Getenv("SQLITEKIT_MP_DSN"); dsn != "" {
		who := os.Getenv("SQLITEKIT_MP_WHO")
		n, _ := strconv.Atoi(os.Getenv("SQLITEKIT_MP_ROWS"))
		if err := readWrite(dsn, who, n); err != nil {
			fmt.Fprintln(os.Stderr, who+":", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writer, the process TestCrashLoop kills (arg: "seed|dsn"), commits
// transactions of 1 to 50 rows, some rows a few pages long, numbering rows
// on from the largest id in the table, and acknowledges the last id of
// each transaction once Commit has returned.
func writer(arg string) error {
	seedText, dsn, _ := strings.Cut(arg, "|")
	seed, _ := strconv.ParseUint(seedText, 10, 64)
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
	r := rand.New(rand.NewPCG(seed, seed))
	for {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		for range 1 + r.IntN(50) {
			size := 16
			if r.IntN(10) == 0 {
				size = 4096 * (1 + r.IntN(4)) // spans pages
			}
			if _, err := tx.Exec("INSERT INTO t VALUES (?, randomblob(?))", next, size); err != nil {
				tx.Rollback()
				return err
			}
			next++
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		crashtest.Ack(strconv.FormatInt(next-1, 10))
	}
}

// TestCrashLoop kills a writer process at random moments, again and
// again, and checks after each kill that the database is intact and holds
// every acknowledged transaction, with no gap.
func TestCrashLoop(t *testing.T) {
	t.Parallel()
	kills := crashtest.Kills(20)
	for _, mode := range []struct{ name, query string }{
		{"wal", ""},
		{"rollback journal", "?_pragma=journal_mode(delete)"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			path := testdb.Path(t)
			dsn := "file:" + path + mode.query
			r := rand.New(rand.NewPCG(1, uint64(len(mode.name))))
			var acked int64
			for kill := range kills {
				// The kill lands after the writer is ready, in the middle
				// of its work.
				acks, killed := crashtest.Run(t, "writer", strconv.Itoa(kill)+"|"+dsn, crashtest.Delay(r, 60*time.Millisecond))
				if !killed {
					t.Fatalf("kill %d: the writer ended by itself", kill)
				}
				for _, a := range acks[1:] {
					id, err := strconv.ParseInt(a.Text, 10, 64)
					if err != nil {
						t.Fatalf("kill %d: acknowledgement %q", kill, a.Text)
					}
					acked = max(acked, id)
				}
				check(t, dsn, acked)
			}
			t.Logf("%d kills survived; %d rows acknowledged", kills, acked)
		})
	}
}

// check opens the database after a crash: integrity_check must say ok,
// for sqlitekit and the sqlite3 CLI, and the rows must be 1..n with no
// gap, n at least acked.
func check(t *testing.T, dsn string, acked int64) {
	t.Helper()
	path := strings.TrimPrefix(dsn, "file:")
	path, _, _ = strings.Cut(path, "?")
	if out, err := exec.Command(testdb.CLI(t), path, "PRAGMA integrity_check").CombinedOutput(); err != nil || string(out) != "ok\n" {
		t.Fatalf("integrity_check from the sqlite3 CLI after a kill: %q, %v", out, err)
	}
	db, err := sql.Open("sqlitekit", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check after a kill: %q, %v", ok, err)
	}
	var n, maxID int64
	if err := db.QueryRow("SELECT count(*), coalesce(max(id), 0) FROM t").Scan(&n, &maxID); err != nil {
		t.Fatal(err)
	}
	if maxID < acked {
		t.Fatalf("acknowledged up to id %d, the database has up to %d: committed rows lost", acked, maxID)
	}
	if n != maxID {
		t.Fatalf("%d rows for ids up to %d: a gap, a torn transaction", n, maxID)
	}
}
