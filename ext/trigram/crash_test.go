package trigram_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
	"github.com/sqlitekit/sqlitekit/internal/crashtest"
)

// Crash tests: a child process builds, rebuilds or writes through a
// trigram index and is killed with SIGKILL at a random moment; afterwards
// the index agrees with its table, or the operation left no trace.

var crashRows = crashtest.Size(1000)

var crashIdx = trigram.Index{Table: "docs", Columns: []string{"title", "body"}}

// crashWords makes text of n random words of the test's small
// vocabulary, so that substrings repeat across rows.
func crashWords(r *rand.Rand, n int) string {
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima"}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
		b.WriteString(strconv.Itoa(r.IntN(100)))
	}
	return b.String()
}

func TestCrashChild(t *testing.T) {
	ctx := context.Background()
	crashtest.Child(t, map[string]crashtest.Role{
		"create": func(dsn string) error {
			return crashDo(dsn, func(db *sql.DB) error { return trigram.Create(ctx, db, crashIdx) })
		},
		"rebuild": func(dsn string) error {
			return crashDo(dsn, func(db *sql.DB) error { return trigram.Rebuild(ctx, db, crashIdx) })
		},
		// write changes rows of docs in transactions (inserts, updates,
		// deletes), which the index's triggers follow, acknowledging
		// each commit.
		"write": func(dsn string) error {
			return crashDo(dsn, func(db *sql.DB) error {
				r := rand.New(rand.NewPCG(uint64(os.Getpid()), 3))
				for n := 0; ; n++ {
					tx, err := db.Begin()
					if err != nil {
						return err
					}
					for range 1 + r.IntN(20) {
						var q string
						var args []any
						switch r.IntN(3) {
						case 0:
							q, args = "INSERT INTO docs(title, body) VALUES (?, ?)", []any{crashWords(r, 2), crashWords(r, 20)}
						case 1:
							q, args = "UPDATE docs SET body = ? WHERE id = ?", []any{crashWords(r, 20), 1 + r.IntN(crashRows)}
						default:
							q, args = "DELETE FROM docs WHERE id = ?", []any{1 + r.IntN(crashRows)}
						}
						if _, err := tx.Exec(q, args...); err != nil {
							tx.Rollback()
							return err
						}
					}
					if err := tx.Commit(); err != nil {
						return err
					}
					crashtest.Ack(strconv.Itoa(n))
				}
			})
		},
	})
}

// crashDo is crashtest.Do on a pool of dsn with the trigram functions.
func crashDo(dsn string, do func(*sql.DB) error) error {
	return crashtest.Do(func() (*sql.DB, error) { return openWith(dsn) }, do)
}

// crashState checks the database after a kill and says what the index
// is: "absent" (none of its table and triggers) or "whole" (all of them,
// and IntegrityCheck passes), or "stale" if stale is allowed and
// IntegrityCheck finds the index does not match the table. Anything else
// fails the test.
func crashState(t *testing.T, dsn string, staleOK bool) string {
	t.Helper()
	db, err := openWith(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name IN ('docs_trigram', 'docs_trigram_ai', 'docs_trigram_ad', 'docs_trigram_au')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	switch n {
	case 0:
		return "absent"
	case 4:
	default:
		t.Fatalf("%d of the index's table and 3 triggers exist: half created", n)
	}
	if err := trigram.IntegrityCheck(context.Background(), db, crashIdx); err != nil {
		if staleOK && errors.Is(err, sqlite3.CORRUPT_VTAB) {
			return "stale"
		}
		t.Fatalf("the index does not agree with its table: %v", err)
	}
	// And a search finds what a scan finds.
	for _, text := range []string{"lta4", "echo7", "ma1 a"} {
		var want int
		if err := db.QueryRow("SELECT count(*) FROM docs WHERE instr(title, ?) OR instr(body, ?)", text, text).Scan(&want); err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, err := range trigram.Search(context.Background(), db, crashIdx, text, nil) {
			if err != nil {
				t.Fatal(err)
			}
			got++
		}
		if got != want {
			t.Fatalf("search %q: %d hits, a scan finds %d", text, got, want)
		}
	}
	return "whole"
}

func TestCrashIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	dsn := "file:" + path + "?_pragma=journal_mode(wal)&_pragma=busy_timeout(10000)"
	db, err := openWith(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, "CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
	r := rand.New(rand.NewPCG(51, 52))
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for range crashRows {
		exec(t, tx, "INSERT INTO docs(title, body) VALUES (?, ?)", crashWords(r, 2), crashWords(r, 20))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// stale makes the index miss changes: REPLACE deletes rows without
	// the delete trigger while recursive_triggers is off.
	stale := func() {
		t.Helper()
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "PRAGMA recursive_triggers = off"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, "INSERT OR REPLACE INTO docs(id, title, body) SELECT id, 'replaced', 'zulu' || id FROM docs WHERE id % 50 = 0"); err != nil {
			t.Fatal(err)
		}
	}
	span := func(role string) time.Duration {
		acks, killed := crashtest.Run(t, role, dsn, time.Hour)
		if killed || len(acks) != 2 {
			t.Fatalf("calibration run of %s: %v", role, acks)
		}
		return acks[1].At.Sub(acks[0].At)
	}
	kills := crashtest.Kills(6)
	logs := []string{}
	for _, role := range []string{"create", "rebuild"} {
		if err := trigram.Drop(ctx, db, crashIdx); err != nil {
			t.Fatal(err)
		}
		if role == "rebuild" {
			if err := trigram.Create(ctx, db, crashIdx); err != nil {
				t.Fatal(err)
			}
			stale()
		}
		d := span(role)
		seen := map[string]int{}
		for kill := range kills {
			if role == "create" {
				if err := trigram.Drop(ctx, db, crashIdx); err != nil {
					t.Fatal(err)
				}
			} else {
				stale()
			}
			db.Close() // no connection of this process in the way
			_, killed := crashtest.Run(t, role, dsn, crashtest.Delay(r, d))
			s := crashState(t, dsn, role == "rebuild")
			want := map[string]string{"create": "absent", "rebuild": "stale"}[role]
			if s != want && s != "whole" {
				t.Fatalf("%s, kill %d: the index is %s", role, kill, s)
			}
			if killed {
				seen[s]++
			}
			// A run after the kill goes through.
			if _, killed := crashtest.Run(t, role, dsn, time.Hour); killed {
				t.Fatal("killed")
			}
			if s := crashState(t, dsn, false); s != "whole" {
				t.Fatalf("%s after kill %d: the index is %s", role, kill, s)
			}
			if db, err = openWith(dsn); err != nil {
				t.Fatal(err)
			}
		}
		logs = append(logs, fmt.Sprintf("%s: %d kills over %v: %v", role, kills, d, seen))
	}

	// Writes through the triggers, killed.
	for kill := range kills {
		acks, killed := crashtest.Run(t, "write", dsn, crashtest.Delay(r, 300*time.Millisecond))
		if !killed {
			t.Fatal("the writer ended by itself")
		}
		if s := crashState(t, dsn, false); s != "whole" {
			t.Fatalf("write, kill %d: the index is %s", kill, s)
		}
		if len(acks) < 2 {
			t.Logf("write, kill %d: before the first commit", kill)
		}
	}
	t.Log(strings.Join(logs, "; "))
}
