package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ncruces/go-sqlite3"
)

func init() {
	workloads = append(workloads,
		&workload{group: "app", name: "start",
			about: func(s sizes) string {
				return fmt.Sprintf("process start to first query: a fresh process (a small program linking only that driver) opens an existing database, runs a point select and prints the row; wall time from exec to the printed row, the median of %d processes per driver and round, "+
					"the drivers' processes taking turns (A B C D, B C D A, ...) so that a burst of load lands on every driver alike", s.StartSamples)
			},
			together: startRound},
		&workload{group: "app", name: "writers",
			about: func(s sizes) string {
				return fmt.Sprintf("%d goroutines share one *sql.DB for %v per round; each loops on a short transaction (BEGIN, 2 UPDATEs of random accounts, 1 INSERT into a ledger, COMMIT) with db.BeginTx(ctx, nil). "+
					"Throughput counts commits; latency is BEGIN to COMMIT of committed transactions (p99 and max: a driver whose waiting writers keep losing the lock to the writer that holds it has few slow transactions, but very slow ones); a transaction that fails with SQLITE_BUSY (\"database is locked\") is counted and dropped, not retried. "+
					"Each driver begins transactions in its default mode (sqlitekit: IMMEDIATE; mattn, modernc: DEFERRED), except plain ncruces, which runs with _txlock=deferred: the baseline of issue 4, what ncruces did by default before v0.37", s.Writers, s.WriteTime)
			},
			run: runWriters},
		&workload{group: "app", name: "mixed",
			about: func(s sizes) string {
				return fmt.Sprintf("%d readers (a point select and the 10 newest ledger rows per read) and %d writers (the transaction above) share one *sql.DB for %v per round", s.MixedReaders, s.MixedWriters, s.WriteTime)
			},
			run: runMixed},
		&workload{group: "app", name: "point",
			about: func(s sizes) string {
				return fmt.Sprintf("%s point selects by primary key over %s users, written as applications write them: db.QueryRowContext(ctx, \"SELECT … WHERE id = ?\", id) with literal SQL, unprepared; then the same through an explicitly prepared *sql.Stmt", n(s.PointQueries), n(s.PointRows))
			},
			run: runPoint, turns: true},
	)
}

// isBusy reports whether err is SQLite's "database is locked", whichever
// driver returned it.
func isBusy(err error) bool {
	if errors.Is(err, sqlite3.BUSY) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY")
}

// startRound is the together function of the start workload.
func startRound(ctx context.Context, dir string, js []job) []result {
	return measureStart(ctx, dir, js, startOnce)
}

// measureStart measures a round of the start workload on the drivers of
// js: it writes a database, then runs the drivers' probes on it in turn,
// StartSamples passes of one probe run per driver, the order rotating
// from pass to pass (A B C D, B C D A, ...), so that a burst of load on
// the machine lands on every driver alike instead of on the one whose
// runs it meets. Each driver's figure is the median of its runs. The
// probes all open the same file, written by plain ncruces: the same bytes
// in the same page cache. run runs a probe and times it (startOnce, or a
// fake in tests).
func measureStart(ctx context.Context, dir string, js []job, run func(ctx context.Context, probe string, args []string) (time.Duration, error)) []result {
	const name, unit = "first query", "ms"
	out := make([]result, len(js))
	for i, j := range js {
		out[i] = result{Workload: j.Workload, Driver: j.Driver, Param: j.Param, Round: j.Round,
			Metrics: []metric{{Name: name, Unit: unit, Better: -1}}}
		if j.Probe == "" {
			out[i].Metrics[0].NA = "start-up probe not built"
		}
	}
	fail := func(err error) []result {
		for i := range out {
			out[i].Err = err.Error()
		}
		return out
	}
	if len(js) == 0 {
		return out
	}
	path := filepath.Join(dir, "start.db")
	if err := writeStartDB(ctx, path); err != nil {
		return fail(err)
	}
	args := []string{path}
	for _, p := range pragmas {
		args = append(args, p[0]+"="+p[1])
	}
	times := make([][]float64, len(js))
	for pass := range js[0].Sizes.StartSamples {
		for k := range js {
			i := (pass + k) % len(js)
			if js[i].Probe == "" || out[i].Err != "" {
				continue
			}
			d, err := run(ctx, js[i].Probe, args)
			if err != nil {
				out[i].Err = err.Error()
				continue
			}
			times[i] = append(times[i], ms(d))
		}
	}
	for i := range out {
		if len(times[i]) > 0 && out[i].Err == "" {
			out[i].Metrics[0].Samples = []float64{median(times[i])}
		}
	}
	return out
}

// writeStartDB writes the start workload's database at path: 1,000 users,
// through plain ncruces in this process.
func writeStartDB(ctx context.Context, path string) error {
	p := peers[baseline]
	if p == nil {
		return fmt.Errorf("no %s driver in this program to write the start workload's database", baseline)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	db, err := p.open(path, openOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, classicSchema); err != nil {
		return err
	}
	if err := insertUsers(ctx, db, makeUsers(1000, emailOf)); err != nil {
		return err
	}
	return db.Close()
}

// startOnce runs the probe and times it from exec to its first line.
func startOnce(ctx context.Context, probe string, args []string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, probe, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	d := time.Since(t)
	werr := cmd.Wait()
	if err != nil || werr != nil {
		return 0, fmt.Errorf("start-up probe: %v %v", err, werr)
	}
	if want := emailOf(41) + "\n"; line != want {
		return 0, fmt.Errorf("start-up probe printed %q, want %q", line, want)
	}
	return d, nil
}

const ledgerSchema = `
CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
CREATE TABLE ledger (id INTEGER PRIMARY KEY, src INTEGER NOT NULL, dst INTEGER NOT NULL, amount INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX ledger_src ON ledger(src);`

// ledgerDB makes the accounts and an empty ledger.
func (e *env) ledgerDB(name string, o openOptions) (*sql.DB, error) {
	db, err := e.open(name, o)
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(e.ctx, ledgerSchema); err != nil {
		return nil, err
	}
	err = inTx(e.ctx, db, "INSERT INTO accounts(id, balance) VALUES(?, 1000)", e.job.Sizes.Accounts, func(st *sql.Stmt, i int) error {
		_, err := st.ExecContext(e.ctx, i+1)
		return err
	})
	return db, err
}

// transfer is the short write transaction: 2 UPDATEs and 1 INSERT.
func transfer(ctx context.Context, db *sql.DB, rng *rand.Rand, accounts int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	src, dst := rng.IntN(accounts)+1, rng.IntN(accounts)+1
	amount := rng.IntN(100) + 1
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, src); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, dst); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO ledger(src, dst, amount, at) VALUES(?, ?, ?, ?)", src, dst, amount, time.Now().UnixNano()); err != nil {
		return err
	}
	return tx.Commit()
}

// load is what a run of writers (and readers) did.
type load struct {
	commits, busy, reads atomic.Int64
	mu                   sync.Mutex
	writeLat, readLat    []time.Duration
}

// hammer runs writers and readers on db for d, and returns what they did.
func (e *env) hammer(db *sql.DB, writers, readers int, d time.Duration, seed uint64) (*load, error) {
	accounts := e.job.Sizes.Accounts
	ctx, cancel := context.WithTimeout(e.ctx, d)
	defer cancel()
	var l load
	errs := make(chan error, writers+readers)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			var lat []time.Duration
			for first := true; first || ctx.Err() == nil; first = false { // at least once, however late it starts
				t := time.Now()
				// The transaction itself runs on e.ctx: the end
				// of the run must not be counted as a failure.
				err := transfer(e.ctx, db, rng, accounts)
				switch {
				case err == nil:
					lat = append(lat, time.Since(t))
					l.commits.Add(1)
				case isBusy(err):
					l.busy.Add(1)
				default:
					errs <- fmt.Errorf("writer: %w", err)
					return
				}
			}
			l.mu.Lock()
			l.writeLat = append(l.writeLat, lat...)
			l.mu.Unlock()
		})
	}
	for g := range readers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(1000+g)))
			var lat []time.Duration
			for first := true; first || ctx.Err() == nil; first = false { // at least once, however late it starts
				t := time.Now()
				if err := readOnce(e.ctx, db, rng, accounts); err != nil {
					errs <- fmt.Errorf("reader: %w", err)
					return
				}
				lat = append(lat, time.Since(t))
				l.reads.Add(1)
			}
			l.mu.Lock()
			l.readLat = append(l.readLat, lat...)
			l.mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	slices.Sort(l.writeLat)
	slices.Sort(l.readLat)
	return &l, nil
}

// readOnce is one read of the mixed workload.
func readOnce(ctx context.Context, db *sql.DB, rng *rand.Rand, accounts int) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", rng.IntN(accounts)+1).Scan(&balance); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, "SELECT id, src, dst, amount FROM ledger ORDER BY id DESC LIMIT 10")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, src, dst, amount int64
		if err := rows.Scan(&id, &src, &dst, &amount); err != nil {
			return err
		}
	}
	return rows.Err()
}

// checkLedger verifies that every commit, and nothing else, is in the database.
func checkLedger(ctx context.Context, db *sql.DB, commits int64, accounts int) error {
	var rows, total int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM ledger").Scan(&rows); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "SELECT sum(balance) FROM accounts").Scan(&total); err != nil {
		return err
	}
	if rows != commits {
		return fmt.Errorf("ledger has %d rows, %d transactions committed", rows, commits)
	}
	if total != int64(accounts)*1000 {
		return fmt.Errorf("balances sum to %d, want %d", total, accounts*1000)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func runWriters(e *env) error {
	s := e.job.Sizes
	o := openOptions{}
	if e.peer.name == "ncruces" {
		o.TxLock = "deferred"
	}
	const name = "writers"
	db, err := e.ledgerDB(name, o)
	if err != nil {
		return err
	}
	defer db.Close()
	var syncs0, bytes0 uint64
	if e.peer.stats != nil {
		syncs0, bytes0 = e.peer.stats(e.path(name))
	}
	runtime.GC()
	t := time.Now()
	l, err := e.hammer(db, s.Writers, 0, s.WriteTime, uint64(e.job.Round))
	if err != nil {
		return err
	}
	elapsed := time.Since(t)
	commits := l.commits.Load()
	e.sample("throughput", "tx/s", +1, float64(commits)/elapsed.Seconds())
	e.sample("p50 latency", "ms", -1, ms(quantile(l.writeLat, 0.50)))
	e.sample("p99 latency", "ms", -1, ms(quantile(l.writeLat, 0.99)))
	e.sample("max latency", "ms", -1, ms(quantile(l.writeLat, 1)))
	e.sample("BUSY errors", "count", -1, float64(l.busy.Load()))
	if e.peer.stats != nil && commits > 0 {
		syncs, bytes := e.peer.stats(e.path(name))
		e.sample("fsyncs per commit", "count", -1, float64(syncs-syncs0)/float64(commits))
		e.sample("bytes written per commit", "bytes", -1, float64(bytes-bytes0)/float64(commits))
	} else {
		e.na("fsyncs per commit", "count", -1, e.peer.vfsStats)
		e.na("bytes written per commit", "bytes", -1, e.peer.vfsStats)
	}
	if err := checkLedger(e.ctx, db, commits, s.Accounts); err != nil {
		return err
	}
	if commits == 0 {
		return errors.New("no transaction committed")
	}
	return db.Close()
}

func runMixed(e *env) error {
	s := e.job.Sizes
	o := openOptions{}
	if e.peer.name == "ncruces" {
		o.TxLock = "deferred"
	}
	db, err := e.ledgerDB("mixed", o)
	if err != nil {
		return err
	}
	defer db.Close()
	runtime.GC()
	t := time.Now()
	l, err := e.hammer(db, s.MixedWriters, s.MixedReaders, s.WriteTime, uint64(e.job.Round))
	if err != nil {
		return err
	}
	elapsed := time.Since(t).Seconds()
	e.sample("reads", "reads/s", +1, float64(l.reads.Load())/elapsed)
	e.sample("writes", "tx/s", +1, float64(l.commits.Load())/elapsed)
	e.sample("read p99 latency", "ms", -1, ms(quantile(l.readLat, 0.99)))
	e.sample("write p99 latency", "ms", -1, ms(quantile(l.writeLat, 0.99)))
	e.sample("write max latency", "ms", -1, ms(quantile(l.writeLat, 1)))
	e.sample("BUSY errors", "count", -1, float64(l.busy.Load()))
	if err := checkLedger(e.ctx, db, l.commits.Load(), s.Accounts); err != nil {
		return err
	}
	return db.Close()
}

func runPoint(e *env) error {
	s := e.job.Sizes
	users := makeUsers(s.PointRows, emailOf)
	db, err := e.freshDB("point")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := insertUsers(e.ctx, db, users); err != nil {
		return err
	}
	const query = "SELECT id, created, email, active FROM users WHERE id = ?"
	st, err := db.PrepareContext(e.ctx, query)
	if err != nil {
		return err
	}
	defer st.Close()
	ways := []struct {
		name string
		row  func(id int) *sql.Row
	}{
		{"unprepared QueryRowContext", func(id int) *sql.Row { return db.QueryRowContext(e.ctx, query, id) }},
		{"prepared *sql.Stmt", func(id int) *sql.Row { return st.QueryRowContext(e.ctx, id) }},
	}
	// The two ways alternate, Reps times each; each way's figure is its
	// fastest repetition (see fastest).
	var us [2][]float64
	var allocs [2][]float64
	for r := range s.Reps {
		for i, w := range ways {
			rng := rand.New(rand.NewPCG(uint64(r), uint64(e.job.Round)))
			var m0, m1 runtime.MemStats
			turn()
			runtime.GC()
			runtime.ReadMemStats(&m0)
			t := time.Now()
			for range s.PointQueries {
				id := rng.IntN(s.PointRows)
				var u user
				if err := w.row(id+1).Scan(&u.id, &u.created, &u.email, &u.active); err != nil {
					return err
				}
				if u != users[id] {
					return fmt.Errorf("point select %d: %+v, want %+v", id+1, u, users[id])
				}
			}
			d := time.Since(t)
			runtime.ReadMemStats(&m1)
			us[i] = append(us[i], float64(d)/float64(time.Microsecond)/float64(s.PointQueries))
			allocs[i] = append(allocs[i], float64(m1.Mallocs-m0.Mallocs)/float64(s.PointQueries))
		}
	}
	for i, w := range ways {
		e.sample(w.name, "µs/query", -1, slices.Min(us[i]))
		e.sample(w.name+" allocs", "allocs/query", -1, median(allocs[i]))
	}
	e.sample("unprepared ÷ prepared", "x", -1, slices.Min(us[0])/slices.Min(us[1]))
	return nil
}
