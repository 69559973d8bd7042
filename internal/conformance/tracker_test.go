package conformance_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
)

// trackerDSN is the DSN an issue tracker written for ncruces opens its
// database with (beads' shape: ncruces' own _pragma syntax).
const trackerDSN = "_pragma=foreign_keys(1)&_pragma=busy_timeout(30000)&_pragma=journal_mode(wal)&_txlock=immediate"

const trackerSchema = `
CREATE TABLE IF NOT EXISTS issues (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL CHECK(length(title) <= 500),
	description TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'open',
	priority INTEGER NOT NULL DEFAULT 2 CHECK(priority >= 0 AND priority <= 4),
	assignee TEXT,
	estimated_minutes INTEGER,
	created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	closed_at DATETIME,
	metadata JSON,
	content_hash TEXT
);
CREATE INDEX IF NOT EXISTS idx_issues_status ON issues(status);
CREATE TABLE IF NOT EXISTS dependencies (
	issue_id TEXT NOT NULL,
	depends_on_id TEXT NOT NULL,
	type TEXT NOT NULL DEFAULT 'blocks',
	created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (issue_id, depends_on_id),
	FOREIGN KEY (issue_id) REFERENCES issues(id) ON DELETE CASCADE,
	FOREIGN KEY (depends_on_id) REFERENCES issues(id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS labels (
	issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
	label TEXT NOT NULL,
	PRIMARY KEY (issue_id, label)
);
CREATE TABLE IF NOT EXISTS comments (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
	author TEXT NOT NULL,
	text TEXT NOT NULL,
	created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
	event_type TEXT NOT NULL,
	actor TEXT NOT NULL,
	old_value TEXT,
	new_value TEXT,
	created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS dirty_issues (
	issue_id TEXT PRIMARY KEY REFERENCES issues(id) ON DELETE CASCADE,
	marked_at DATETIME NOT NULL
);
CREATE TABLE IF NOT EXISTS config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIEW IF NOT EXISTS ready_issues AS
	SELECT i.* FROM issues i WHERE i.status = 'open' AND NOT EXISTS (
		SELECT 1 FROM dependencies d JOIN issues b ON d.depends_on_id = b.id
		WHERE d.issue_id = i.id AND d.type = 'blocks' AND b.status != 'closed');
`

type issue struct {
	ID, Title, Description, Status string
	Priority                       int
	Assignee                       sql.NullString
	Estimate                       *int
	CreatedAt, UpdatedAt           time.Time
	ClosedAt                       sql.NullTime
	Metadata                       []byte
}

func scanIssue(row interface{ Scan(...any) error }) (issue, error) {
	var i issue
	err := row.Scan(&i.ID, &i.Title, &i.Description, &i.Status, &i.Priority, &i.Assignee, &i.Estimate,
		&i.CreatedAt, &i.UpdatedAt, &i.ClosedAt, &i.Metadata)
	return i, err
}

const issueCols = "id, title, description, status, priority, assignee, estimated_minutes, created_at, updated_at, closed_at, metadata"

// An issue tracker's storage, written for ncruces, run unchanged on
// both drivers: schema migration by introspection, issues with JSON and
// time columns, dependencies walked by recursive CTEs, labels, comments
// and events in transactions with savepoints, dirty tracking by UPSERT,
// RETURNING, a batch import, errors branched on.
func TestDiffTracker(t *testing.T) {
	t.Parallel()
	base := time.Date(2025, 1, 2, 3, 4, 5, 600000000, time.UTC)
	same(t, trackerDSN, func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		mustExec(t, db, trackerSchema)
		mustExec(t, db, trackerSchema) // IF NOT EXISTS: idempotent

		// A migration that adds a column only if it is missing.
		var has int
		err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_table_info('issues') WHERE name = 'external_ref'").Scan(&has)
		log("has column: %d %s", has, class(err))
		if has == 0 {
			mustExec(t, db, "ALTER TABLE issues ADD COLUMN external_ref TEXT")
		}
		out = append(out, scanAll(db.QueryContext(ctx, "PRAGMA table_info(issues)"))...)
		out = append(out, scanAll(db.QueryContext(ctx, "PRAGMA foreign_key_list(dependencies)"))...)
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT type, name, tbl_name FROM sqlite_master ORDER BY name"))...)

		create := func(tx *sql.Tx, id string, n int) error {
			meta, _ := json.Marshal(map[string]any{"n": n, "tags": []string{"a", "b"}})
			at := base.Add(time.Duration(n) * time.Minute)
			var est any
			if n%3 == 0 {
				est = n * 10
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO issues (id, title, description, status, priority, assignee, estimated_minutes, created_at, updated_at, metadata)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, "Issue "+id, "", "open", n%5, sql.NullString{String: "bob", Valid: n%2 == 0}, est, at, at, string(meta))
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO dirty_issues (issue_id, marked_at) VALUES (?, ?)
				ON CONFLICT (issue_id) DO UPDATE SET marked_at = excluded.marked_at`, id, at)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO events (issue_id, event_type, actor, new_value) VALUES (?, 'created', ?, ?)`, id, "bob", "Issue "+id)
			return err
		}

		// Create issues in one transaction.
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 8; n++ {
			if err := create(tx, fmt.Sprintf("bd-%d", n), n); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}

		// A duplicate id: the error a caller branches on.
		tx, _ = db.BeginTx(ctx, nil)
		err = create(tx, "bd-1", 1)
		var serr *sqlite3.Error
		log("duplicate: %s %v", class(err), errors.As(err, &serr) && serr.Code() == sqlite3.CONSTRAINT)
		log("rollback: %s", class(tx.Rollback()))
		log("commit after rollback: %s", class(tx.Commit()))

		// Dependencies: a chain and a diamond, and a cycle check by a
		// recursive CTE before adding an edge.
		for _, d := range [][2]string{{"bd-2", "bd-1"}, {"bd-3", "bd-2"}, {"bd-4", "bd-2"}, {"bd-5", "bd-3"}, {"bd-5", "bd-4"}, {"bd-6", "bd-5"}} {
			r, err := db.ExecContext(ctx, "INSERT INTO dependencies (issue_id, depends_on_id, type, created_at) VALUES (?, ?, 'blocks', ?)", d[0], d[1], base)
			log("dep %v: %s", d, execResult(r, err))
		}
		r, err := db.ExecContext(ctx, "INSERT INTO dependencies (issue_id, depends_on_id) VALUES ('bd-1', 'nope')")
		log("dep on a missing issue: %s", execResult(r, err))
		const reach = `WITH RECURSIVE reach(id, depth) AS (
			SELECT ?, 0
			UNION
			SELECT d.depends_on_id, r.depth + 1 FROM dependencies d JOIN reach r ON d.issue_id = r.id WHERE r.depth < 50)
			SELECT id, max(depth) FROM reach GROUP BY id ORDER BY id`
		out = append(out, scanAll(db.QueryContext(ctx, reach, "bd-6"))...)
		var cycle bool
		err = db.QueryRowContext(ctx, `WITH RECURSIVE r(id) AS (SELECT ? UNION SELECT depends_on_id FROM dependencies JOIN r ON issue_id = r.id)
			SELECT EXISTS (SELECT 1 FROM r WHERE id = ?)`, "bd-1", "bd-6").Scan(&cycle)
		log("cycle: %v %s", cycle, class(err))
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT id, priority FROM ready_issues ORDER BY priority, created_at"))...)

		// Labels and comments in a transaction with a savepoint that is
		// rolled back.
		tx, err = db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"bug", "p1", "bug"} {
			r, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO labels (issue_id, label) VALUES (?, ?)", "bd-1", l)
			log("label %s: %s", l, execResult(r, err))
		}
		var cid int64
		var cat time.Time
		err = tx.QueryRowContext(ctx, "INSERT INTO comments (issue_id, author, text, created_at) VALUES (?, ?, ?, ?) RETURNING id, created_at", "bd-1", "ann", "first", base).Scan(&cid, &cat)
		log("comment: %d %v %s", cid, cat, class(err))
		mustExec(t, tx, "SAVEPOINT sp1")
		mustExec(t, tx, "INSERT INTO comments (issue_id, author, text) VALUES ('bd-1', 'ann', 'undone')")
		mustExec(t, tx, "ROLLBACK TO SAVEPOINT sp1")
		mustExec(t, tx, "RELEASE SAVEPOINT sp1")
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}

		// Close an issue: update with RETURNING, then the event.
		closedAt := base.Add(time.Hour)
		var status string
		var closed sql.NullTime
		err = db.QueryRowContext(ctx, "UPDATE issues SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ? RETURNING status, closed_at", closedAt, closedAt, "bd-1").Scan(&status, &closed)
		log("closed: %s %v %s", status, closed, class(err))
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT id FROM ready_issues ORDER BY id"))...)

		// Read issues back, into typed fields.
		rows, err := db.QueryContext(ctx, "SELECT "+issueCols+" FROM issues WHERE updated_at >= ? ORDER BY id", base.Add(3*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			i, err := scanIssue(rows)
			est := "nil"
			if i.Estimate != nil {
				est = fmt.Sprint(*i.Estimate)
			}
			i.Estimate = nil
			log("%+v estimate %s %s", i, est, class(err))
		}
		log("rows: %s", class(rows.Err()))
		rows.Close()
		_, err = scanIssue(db.QueryRowContext(ctx, "SELECT "+issueCols+" FROM issues WHERE id = ?", "bd-404"))
		log("missing: %s", class(err))

		// JSON columns queried.
		out = append(out, scanAll(db.QueryContext(ctx, `SELECT id, metadata->>'$.n', json_extract(metadata, '$.tags'), json_array_length(metadata, '$.tags'),
			metadata->'$.tags[0]' FROM issues WHERE json_extract(metadata, '$.n') > ? ORDER BY id`, 6))...)
		out = append(out, scanAll(db.QueryContext(ctx, `SELECT i.id, j.value FROM issues i, json_each(i.metadata, '$.tags') j WHERE i.id = 'bd-2'`))...)

		// Dirty tracking: read and clear in a transaction.
		tx, _ = db.BeginTx(ctx, nil)
		out = append(out, scanAll(tx.QueryContext(ctx, "SELECT issue_id, marked_at FROM dirty_issues ORDER BY issue_id LIMIT 3"))...)
		r, err = tx.ExecContext(ctx, "DELETE FROM dirty_issues WHERE issue_id IN (SELECT issue_id FROM dirty_issues ORDER BY issue_id LIMIT 3)")
		log("cleared: %s", execResult(r, err))
		log("commit: %s", class(tx.Commit()))

		// Cascading delete.
		r, err = db.ExecContext(ctx, "DELETE FROM issues WHERE id = ?", "bd-2")
		log("delete: %s", execResult(r, err))
		for _, tb := range []string{"issues", "dependencies", "labels", "comments", "events", "dirty_issues"} {
			log("%s: %d", tb, count(t, db, tb))
		}

		// Config as key-value UPSERTs, read as a map.
		for _, kv := range [][2]string{{"prefix", "bd"}, {"version", "1"}, {"prefix", "xx"}} {
			r, err := db.ExecContext(ctx, "INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", kv[0], kv[1])
			log("config %v: %s", kv, execResult(r, err))
		}
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT key, value FROM config ORDER BY key"))...)

		// Aggregates over time columns.
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT min(created_at), max(updated_at), count(closed_at), sum(estimated_minutes), avg(priority) FROM issues"))...)
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT status, count(*) FROM issues GROUP BY status ORDER BY status"))...)
		return out
	})
}

// A batch import (a tracker's JSONL import): thousands of rows in one
// transaction through a prepared statement, then read back by a search
// with LIKE and an IN list of many parameters.
func TestDiffTrackerImport(t *testing.T) {
	t.Parallel()
	n := 3000
	if raceEnabled {
		n = 300
	}
	same(t, trackerDSN, func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		mustExec(t, db, trackerSchema)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := tx.PrepareContext(ctx, "INSERT INTO issues (id, title, priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title")
		if err != nil {
			t.Fatal(err)
		}
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		var ids int64
		for i := range n {
			at := base.Add(time.Duration(i) * time.Second)
			r, err := st.ExecContext(ctx, fmt.Sprintf("imp-%04d", i%(n-10)), fmt.Sprintf("title %d", i), i%5, at, at)
			if err != nil {
				t.Fatal(err)
			}
			id, _ := r.LastInsertId()
			ids += id
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		out := []string{fmt.Sprint("sum of LastInsertId: ", ids), fmt.Sprint("rows: ", count(t, db, "issues"))}
		args := make([]any, 500)
		marks := make([]string, len(args))
		for i := range args {
			args[i] = fmt.Sprintf("imp-%04d", i*3)
			marks[i] = "?"
		}
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT count(*), min(id), max(created_at) FROM issues WHERE id IN ("+strings.Join(marks, ",")+")", args...))...)
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT id, title FROM issues WHERE title LIKE ? ESCAPE '\\' ORDER BY id LIMIT 3", "%title 29%"))...)
		return out
	})
}

// Goroutines of one process, each doing what a tracker's command does:
// read, then update in a transaction, and record an event. Nothing is
// lost and no "database is locked" reaches them, with both drivers.
func TestDiffTrackerConcurrent(t *testing.T) {
	t.Parallel()
	same(t, trackerDSN, func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		mustExec(t, db, trackerSchema)
		mustExec(t, db, "INSERT INTO issues (id, title) VALUES ('c-1', 'counter')")
		workers, each := 6, 10
		if raceEnabled {
			workers, each = 4, 5
		}
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					errs <- func() error {
						tx, err := db.BeginTx(ctx, nil)
						if err != nil {
							return err
						}
						defer tx.Rollback()
						var p int
						if err := tx.QueryRowContext(ctx, "SELECT estimated_minutes FROM issues WHERE id = 'c-1'").Scan(&sql.NullInt64{}); err != nil {
							return err
						}
						if err := tx.QueryRowContext(ctx, "SELECT coalesce(estimated_minutes, 0) FROM issues WHERE id = 'c-1'").Scan(&p); err != nil {
							return err
						}
						if _, err := tx.ExecContext(ctx, "UPDATE issues SET estimated_minutes = ?, updated_at = ? WHERE id = 'c-1'", p+1, time.Now()); err != nil {
							return err
						}
						if _, err := tx.ExecContext(ctx, "INSERT INTO events (issue_id, event_type, actor, new_value) VALUES ('c-1', 'updated', ?, ?)", fmt.Sprint("w", w), i); err != nil {
							return err
						}
						return tx.Commit()
					}()
					var n int
					if err := db.QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&n); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		var out []string
		for err := range errs {
			if err != nil {
				out = append(out, class(err))
			}
		}
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT estimated_minutes, (SELECT count(*) FROM events) FROM issues WHERE id = 'c-1'"))...)
		return out
	})
}

// One *sql.Stmt of each kind shared by goroutines that read, write and
// cancel their contexts mid-rows (database/sql prepares it again on each
// connection): every write is counted once, every read sees whole rows.
func TestDiffSharedStatements(t *testing.T) {
	t.Parallel()
	same(t, trackerDSN, func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		mustExec(t, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, g, v)")
		ins, err := db.Prepare("INSERT INTO t(g, v) VALUES (?, ?) RETURNING id")
		if err != nil {
			t.Fatal(err)
		}
		defer ins.Close()
		sel, err := db.Prepare("SELECT g, v FROM t WHERE g = ? ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer sel.Close()
		upd, err := db.Prepare("UPDATE t SET v = v + 1 WHERE g = ?")
		if err != nil {
			t.Fatal(err)
		}
		defer upd.Close()
		workers, each := 6, 20
		if raceEnabled {
			workers, each = 4, 8
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var bad []string
		fail := func(s string) {
			mu.Lock()
			bad = append(bad, s)
			mu.Unlock()
		}
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					var id int64
					if err := ins.QueryRowContext(ctx, w, i).Scan(&id); err != nil {
						fail("insert: " + class(err))
					}
					if _, err := upd.ExecContext(ctx, w); err != nil {
						fail("update: " + class(err))
					}
					cctx, cancel := context.WithCancel(ctx)
					rows, err := sel.QueryContext(cctx, w)
					if err != nil {
						fail("select: " + class(err))
						cancel()
						continue
					}
					n := 0
					for rows.Next() {
						var g, v int
						if err := rows.Scan(&g, &v); err != nil || g != w {
							fail(fmt.Sprint("scan: ", g, class(err)))
						}
						if n++; n == 3 && i%2 == 0 {
							cancel()
						}
					}
					if err := rows.Err(); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, sqlite3.INTERRUPT) {
						fail("rows: " + class(err))
					}
					rows.Close()
					cancel()
				}
			})
		}
		wg.Wait()
		out := bad
		out = append(out, scanAll(db.Query("SELECT g, count(*), sum(v) FROM t GROUP BY g ORDER BY g"))...)
		return out
	})
}

// One file written at once by a pool of each driver in one process (a
// program moving from ncruces to sqlitekit piece by piece, or a tool of
// each kind): every commit lands, each sees the other's.
func TestMixedDriversOneFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "mixed.db")
	var dbs []*sql.DB
	for _, name := range drivers {
		db, err := sql.Open(name, "file:"+path+"?_pragma=journal_mode(wal)&_pragma=busy_timeout(10000)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	mustExec(t, dbs[1], "CREATE TABLE t(id INTEGER PRIMARY KEY, who, n)")
	each := 40
	if raceEnabled {
		each = 10
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*each)
	for i, db := range dbs {
		for g := range 2 {
			wg.Go(func() {
				for n := range each {
					tx, err := db.Begin()
					if err != nil {
						errs <- err
						continue
					}
					var seen int
					if err := tx.QueryRow("SELECT count(*) FROM t").Scan(&seen); err != nil {
						errs <- err
					}
					if _, err := tx.Exec("INSERT INTO t(who, n) VALUES (?, ?)", fmt.Sprint(drivers[i], g), n); err != nil {
						errs <- err
					}
					errs <- tx.Commit()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for i, db := range dbs {
		if got := count(t, db, "t"); got != int64(4*each) {
			t.Errorf("%s sees %d rows, want %d", drivers[i], got, 4*each)
		}
	}
}
