package vfs_test

import (
	"database/sql"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/vfs"
)

func open(t *testing.T, dsn string) *sql.DB { return testdb.Open(t, dsn) }

// The counters follow what SQLite does: a transaction writing N pages
// writes about N WAL frames (2N write calls); under synchronous=NORMAL a commit does not
// sync, under FULL it syncs the WAL once; a checkpoint writes the pages to
// the main file and syncs both.
func TestStats_counters(t *testing.T) {
	t.Parallel()
	for _, sync := range []string{"normal", "full"} {
		t.Run(sync, func(t *testing.T) {
			t.Parallel()
			path := testdb.Path(t)
			db := open(t, "file:"+path+"?_pragma=synchronous("+sync+")&_pragma=wal_autocheckpoint(0)")
			db.SetMaxOpenConns(1)
			testdb.Exec(t, db, "CREATE TABLE t(x BLOB)")
			var pageSize int64
			if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
				t.Fatal(err)
			}

			before := vfs.StatsOf(path)
			// 100 blobs of about one page each, in one transaction.
			testdb.Exec(t, db, "INSERT INTO t SELECT randomblob(?) FROM generate_series(1, 100)", pageSize-100)
			d := vfs.StatsOf(path).Sub(before)
			// SQLite writes a WAL frame as two calls: its 24-byte header,
			// then the page.
			if d.WAL.Writes < 200 || d.WAL.Writes > 240 {
				t.Errorf("WAL writes for ~100 pages: %d, want 2 per frame", d.WAL.Writes)
			}
			if frames := d.WAL.BytesWritten / uint64(pageSize+24); frames < 100 || frames > 120 {
				t.Errorf("WAL frames written: %d (%d bytes)", frames, d.WAL.BytesWritten)
			}
			wantSyncs := map[string]uint64{"normal": 0, "full": 1}[sync]
			if d.WAL.Syncs != wantSyncs || d.Main.Syncs != 0 {
				t.Errorf("syncs of one commit under %s: WAL %d, main %d; want %d, 0", sync, d.WAL.Syncs, d.Main.Syncs, wantSyncs)
			}
			if d.Main.Writes != 0 {
				t.Errorf("main file writes before a checkpoint: %d", d.Main.Writes)
			}
			if s := vfs.StatsOf(path); s.WALSize < 100*pageSize {
				t.Errorf("WAL size %d, want at least %d", s.WALSize, 100*pageSize)
			}

			before = vfs.StatsOf(path)
			testdb.Exec(t, db, "PRAGMA wal_checkpoint(TRUNCATE)")
			d = vfs.StatsOf(path).Sub(before)
			if d.Main.Writes < 100 || d.Main.Syncs < 1 || d.WAL.Syncs < 1 || d.WAL.Truncates < 1 {
				t.Errorf("checkpoint: main writes %d, main syncs %d, WAL syncs %d, WAL truncates %d", d.Main.Writes, d.Main.Syncs, d.WAL.Syncs, d.WAL.Truncates)
			}
			if s := vfs.StatsOf(path); s.WALSize != 0 {
				t.Errorf("WAL size after TRUNCATE: %d", s.WALSize)
			}
		})
	}
}

// The sqlite3 CLI inserts while goroutines insert through sqlitekit, in
// WAL mode: every row of both is there and both see an intact database.
func TestCLI_concurrentWrites(t *testing.T) {
	t.Parallel()
	cli := testdb.CLI(t)
	path := testdb.Path(t)
	db := open(t, path)
	testdb.Exec(t, db, "CREATE TABLE t(who TEXT, i INTEGER)")

	const cliRows, goRows = 200, 200
	var script strings.Builder
	script.WriteString(".timeout 30000\n")
	for i := range cliRows {
		fmt.Fprintf(&script, "INSERT INTO t VALUES ('cli', %d);\n", i)
	}
	cmd := exec.Command(cli, path)
	cmd.Stdin = strings.NewReader(script.String())
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range goRows / 4 {
				if _, err := db.Exec("INSERT INTO t VALUES ('go', ?)", g*1000+i); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out.String())
	}

	var nCLI, nGo int
	if err := db.QueryRow("SELECT count(*) FILTER (WHERE who = 'cli'), count(*) FILTER (WHERE who = 'go') FROM t").Scan(&nCLI, &nGo); err != nil {
		t.Fatal(err)
	}
	if nCLI != cliRows || nGo != goRows {
		t.Errorf("rows from the CLI %d, from Go %d; want %d, %d", nCLI, nGo, cliRows, goRows)
	}
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check from sqlitekit: %q, %v", ok, err)
	}
	res, err := exec.Command(cli, path, "PRAGMA integrity_check; SELECT count(*) FROM t;").CombinedOutput()
	if err != nil || string(res) != fmt.Sprintf("ok\n%d\n", cliRows+goRows) {
		t.Errorf("integrity_check from the CLI: %q, %v", res, err)
	}
}

// AllStats lists the databases open through the VFS, by file name, and
// forgets them when they close.
func TestAllStats(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	db, err := sql.Open("sqlitekit", path)
	if err != nil {
		t.Fatal(err)
	}
	testdb.Exec(t, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
	real, _ := filepath.EvalSymlinks(path)
	s, ok := vfs.AllStats()[real]
	if !ok || s.WAL.Writes == 0 {
		t.Errorf("AllStats()[%s] = %+v, %v; want the WAL writes", real, s, ok)
	}
	db.Close()
	if _, ok := vfs.AllStats()[real]; ok {
		t.Errorf("AllStats() still has %s once its pool closed", real)
	}
}
