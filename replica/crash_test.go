package replica_test

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/crashtest"
	"github.com/sqlitekit/sqlitekit/replica"
)

// TestCrashChild plays the process TestCrashRestore kills: it restores a
// replica (arg: "url|path|litestream") with Restore or Follow.
func TestCrashChild(t *testing.T) {
	crashtest.Child(t, map[string]crashtest.Role{
		"restore": func(arg string) error {
			f := strings.Split(arg, "|")
			crashtest.Ack("ready")
			if err := replica.Restore(context.Background(), f[0], f[1], &replica.RestoreOptions{Binary: f[2]}); err != nil {
				return err
			}
			crashtest.Ack("done")
			return nil
		},
		// follow follows the replica with Follow until killed.
		"follow": func(arg string) error {
			f := strings.Split(arg, "|")
			crashtest.Ack("ready")
			if _, err := replica.Follow(context.Background(), f[0], f[1], &replica.RestoreOptions{Binary: f[2], Logger: quiet}); err != nil {
				return err
			}
			crashtest.Ack("done")
			time.Sleep(time.Hour)
			return nil
		},
	})
}

// TestCrashRestore kills a process in the middle of Restore, then of
// Follow's first restore (Litestream, its child, dies with it): the
// restored database is then absent or whole, never a partial file that a
// later open would take for the database, and a Restore or Follow after
// the kill succeeds.
func TestCrashRestore(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	ctx := t.Context()
	db, url, r := replicated(t, bin, `CREATE TABLE t(g, i, pad);
		INSERT INTO t SELECT value % 7, value, randomblob(300) FROM generate_series(1, 20000)`)
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var want int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&want); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "restored.db")
	arg := url + "|" + out + "|" + bin
	state := func() string {
		t.Helper()
		if _, err := os.Stat(out); errors.Is(err, os.ErrNotExist) {
			return "absent"
		}
		rdb, err := sql.Open("sqlitekit", "file:"+out+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer rdb.Close()
		var ok string
		if err := rdb.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("the restored file is there but not whole: integrity_check %q, %v", ok, err)
		}
		var n int
		if err := rdb.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != want {
			t.Fatalf("the restored file is there but has %d rows of %d: %v", n, want, err)
		}
		return "whole"
	}
	clean := func() {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	acks, killed := crashtest.Run(t, "restore", arg, time.Hour)
	if killed || len(acks) != 2 {
		t.Fatalf("calibration: %v", acks)
	}
	span := acks[1].At.Sub(acks[0].At)
	if s := state(); s != "whole" {
		t.Fatalf("a whole restore left %s", s)
	}
	rnd := rand.New(rand.NewPCG(71, 72))
	kills := crashtest.Kills(12)
	seen := map[string]int{}
	tmps := 0
	for kill := range kills {
		clean()
		_, killed := crashtest.Run(t, "restore", arg, crashtest.Delay(rnd, span))
		time.Sleep(20 * time.Millisecond) // Litestream's death signal is on its way
		s := state()
		if _, err := os.Stat(out + ".tmp"); err == nil {
			tmps++ // Litestream's file, which it renames to out when whole
		}
		if killed {
			seen[s]++
		}
		if s == "absent" { // Restore again: no leftover is in the way
			if _, killed := crashtest.Run(t, "restore", arg, time.Hour); killed {
				t.Fatal("killed")
			}
			if s := state(); s != "whole" {
				t.Fatalf("kill %d: the restore after it left %s", kill, s)
			}
		}
	}
	t.Logf("%d kills over %v of restore: %v; %d left Litestream's %s.tmp, which the next Restore replaced", kills, span, seen, tmps, filepath.Base(out))

	// Follow, killed before or after its first restore is whole: again
	// the database is absent or whole, and if absent Follow starts again.
	// With delay < 0, it is killed once Follow returned, and follow
	// returns how long that took.
	follow := func(delay time.Duration) (killedBeforeDone bool, took time.Duration) {
		p := crashtest.Start(t, "follow", arg)
		ready, ok := p.Next()
		if !ok {
			p.Wait()
			t.Fatal("the follower ended")
		}
		if delay < 0 {
			l, ok := p.Next()
			if !ok || l.Text != "done" {
				p.Wait()
				t.Fatal("the follower ended")
			}
			took = l.At.Sub(ready.At)
		} else {
			time.Sleep(delay)
		}
		acks, _ := p.Kill()
		return len(acks) < 2, took
	}
	clean()
	_, span = follow(-1)
	seen = map[string]int{}
	for range kills {
		clean()
		before, _ := follow(crashtest.Delay(rnd, span))
		time.Sleep(20 * time.Millisecond)
		s := state()
		if before {
			seen[s]++
		}
		if s == "absent" {
			follow(-1)
			if s := state(); s != "whole" {
				t.Fatalf("the Follow after a kill left %s", s)
			}
		}
	}
	t.Logf("Follow: %d kills over %v: %v (before it returned)", kills, span, seen)
}
