package reliability_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/crashtest"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestMain lets the test binary play the writer that TestCrashLoop kills:
// with SQLITEKIT_CRASH_DSN set, it commits numbered rows until killed.
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
	if dsn := os.Getenv("SQLITEKIT_CRASH_DSN"); dsn != "" {
		seed, _ := strconv.ParseUint(os.Getenv("SQLITEKIT_CRASH_SEED"), 10, 64)
		if err := writer(dsn, seed); err != nil {
			fmt.Fprintln(os.Stderr, "writer:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writer commits transactions of 1 to 50 rows, some rows a few pages
// long, numbering rows on from the largest id in the table, and prints the
// last id of each transaction once Commit has returned.
func writer(dsn string, seed uint64) error {
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
		fmt.Println(next - 1) // acknowledged
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
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "SQLITEKIT_CRASH_DSN="+dsn, "SQLITEKIT_CRASH_SEED="+strconv.Itoa(kill))
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				lines := make(chan int64)
				go func() {
					defer close(lines)
					sc := bufio.NewScanner(stdout)
					for sc.Scan() {
						if id, err := strconv.ParseInt(sc.Text(), 10, 64); err == nil {
							lines <- id
						}
					}
				}()
				// Kill after the first acknowledgement plus a random delay,
				// so that every kill lands in the middle of the work.
				var first bool
				deadline := time.After(30 * time.Second)
				timer := make(<-chan time.Time)
			wait:
				for {
					select {
					case id, ok := <-lines:
						if !ok {
							break wait
						}
						acked = max(acked, id)
						if !first {
							first = true
							timer = time.After(time.Duration(r.IntN(40)) * time.Millisecond)
						}
					case <-timer:
						cmd.Process.Signal(syscall.SIGKILL)
						timer = nil
					case <-deadline:
						cmd.Process.Kill()
						t.Fatalf("kill %d: the writer acknowledged nothing for 30 s; stderr: %s", kill, stderr.String())
					}
				}
				err = cmd.Wait()
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
					t.Fatalf("kill %d: the writer ended by itself: %v; stderr: %s", kill, err, stderr.String())
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
