package reliability_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/crashtest"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// TestCrashChild plays the processes TestCrashLoop and TestCrashPeer kill.
func TestCrashChild(t *testing.T) {
	crashtest.Child(t, map[string]crashtest.Role{
		"writer": writer,
		// peer commits transactions of its own rows on the database at
		// path, pausing inside some of them while it holds the write
		// lock, and acknowledges the last id of each once Commit returned.
		"peer": func(path string) error {
			db, err := sql.Open("sqlitekit", path)
			if err != nil {
				return err
			}
			defer db.Close()
			var next int64
			if err := db.QueryRow("SELECT coalesce(max(i), 0) + 1 FROM t WHERE who = 'peer'").Scan(&next); err != nil {
				return err
			}
			crashtest.Ack("ready")
			r := rand.New(rand.NewPCG(uint64(os.Getpid()), 9))
			for {
				tx, err := db.Begin()
				if err != nil {
					return err
				}
				for range 1 + r.IntN(30) {
					if _, err := tx.Exec("INSERT INTO t VALUES ('peer', ?, randomblob(?))", next, 16+r.IntN(2000)); err != nil {
						tx.Rollback()
						return err
					}
					next++
				}
				if r.IntN(4) == 0 {
					time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond) // killed here, it holds the lock
				}
				if err := tx.Commit(); err != nil {
					return err
				}
				crashtest.Ack(strconv.FormatInt(next-1, 10))
			}
		},
		// idle opens the database at path and keeps it open.
		"idle": func(path string) error {
			db, err := sql.Open("sqlitekit", path)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Ping(); err != nil {
				return err
			}
			crashtest.Ack("ready")
			time.Sleep(time.Hour) // until killed
			return nil
		},
	})
}

// survivor is the process that is not killed: writers that insert rows
// in a loop, one transaction each, until stop.
type survivor struct {
	db        *sql.DB
	committed atomic.Int64 // rows inserted, each committed
	lastAt    atomic.Int64 // when the last commit returned, unix nanoseconds
	err       atomic.Pointer[error]
	stop      chan struct{}
	wg        sync.WaitGroup
}

func startSurvivor(db *sql.DB, writers int) *survivor {
	s := &survivor{db: db, stop: make(chan struct{})}
	var id atomic.Int64
	for range writers {
		s.wg.Go(func() {
			for {
				select {
				case <-s.stop:
					return
				default:
				}
				if _, err := db.Exec("INSERT INTO t VALUES ('survivor', ?, randomblob(100))", id.Add(1)); err != nil {
					s.err.CompareAndSwap(nil, &err)
					return
				}
				s.committed.Add(1)
				s.lastAt.Store(time.Now().UnixNano())
			}
		})
	}
	return s
}

// commitsAfter waits until a writer commits after t0, and fails the test
// if none does within 10 s (the busy timeout) or a writer failed.
func (s *survivor) commitsAfter(t *testing.T, t0 time.Time) time.Duration {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.lastAt.Load() <= t0.UnixNano() {
		if e := s.err.Load(); e != nil {
			t.Fatalf("the survivor's writer failed: %v", *e)
		}
		if time.Now().After(deadline) {
			t.Fatal("the survivor committed nothing for 10 s after the other process was killed: it is stuck")
		}
		time.Sleep(time.Millisecond)
	}
	return time.Unix(0, s.lastAt.Load()).Sub(t0)
}

func (s *survivor) end(t *testing.T) {
	t.Helper()
	close(s.stop)
	s.wg.Wait()
	if e := s.err.Load(); e != nil {
		t.Fatalf("the survivor's writer failed: %v", *e)
	}
}

func gaps(t *testing.T, db *sql.DB) uint64 {
	t.Helper()
	st, err := driver.StatsOf(db)
	if err != nil {
		t.Fatal(err)
	}
	return st.Queue.Gaps
}

// TestCrashPeer: two processes write one database and one is killed, in
// the middle of a transaction or between two: the other goes on writing
// at once, never sees "database is locked", and every transaction the
// killed one acknowledged is there, whole. The writer queue's courtesy
// gaps for another process stop once it is gone: the survivor is not
// slowed for good.
func TestCrashPeer(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db := testdb.Open(t, path)
	testdb.Exec(t, db, "CREATE TABLE t(who TEXT, i INTEGER, pad BLOB, PRIMARY KEY (who, i))")

	s := startSurvivor(db, 2)
	defer func() {
		if s != nil {
			s.end(t)
		}
	}()
	r := rand.New(rand.NewPCG(41, 42))
	kills := crashtest.Kills(16)
	var acked int64
	var worst time.Duration
	for kill := range kills {
		acks, killed := crashtest.Run(t, "peer", path, crashtest.Delay(r, 200*time.Millisecond))
		if !killed {
			t.Fatal("the peer ended by itself")
		}
		killedAt := time.Now()
		for _, a := range acks[1:] {
			id, err := strconv.ParseInt(a.Text, 10, 64)
			if err != nil {
				t.Fatalf("ack %q", a.Text)
			}
			acked = id
		}
		worst = max(worst, s.commitsAfter(t, killedAt))
		var n, maxID int64
		if err := db.QueryRow("SELECT count(*), coalesce(max(i), 0) FROM t WHERE who = 'peer'").Scan(&n, &maxID); err != nil {
			t.Fatalf("kill %d: %v", kill, err)
		}
		if maxID < acked || n != maxID {
			t.Fatalf("kill %d: the peer acknowledged up to %d; the database has %d of its rows, up to %d", kill, acked, n, maxID)
		}
	}
	if acked == 0 {
		t.Fatal("the peer never committed")
	}

	// The queue leaves gaps while another process has the database open,
	// and none once it is killed.
	const stretch = 3 * time.Second / 2 // three times writeq.LongSlice
	idle := crashtest.Start(t, "idle", path)
	if _, ok := idle.Next(); !ok {
		idle.Wait()
		t.Fatal("the idle process ended")
	}
	before := gaps(t, db)
	time.Sleep(stretch)
	with := gaps(t, db) - before
	idle.Kill()
	killedAt := time.Now()
	s.commitsAfter(t, killedAt)
	before = gaps(t, db)
	committed := s.committed.Load()
	time.Sleep(stretch)
	without := gaps(t, db) - before
	committedWithout := s.committed.Load() - committed
	s.end(t)
	s = nil
	if with == 0 {
		t.Errorf("no gap in %v of writes while another process had the database open", stretch)
	}
	if without != 0 {
		t.Errorf("%d gaps in %v of writes after the other process was killed: the survivor still makes way for it", without, stretch)
	}
	var ok string
	if err := db.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q, %v", ok, err)
	}
	t.Logf("%d kills, %d peer rows acknowledged; the survivor's first commit after a kill came at most %v later; gaps in %v: %d with a neighbour, %d after it was killed (%d commits)",
		kills, acked, worst, stretch, with, without, committedWithout)
}
