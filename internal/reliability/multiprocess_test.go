package reliability_test

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// readWrite is one process of TestMultiProcess: it inserts n rows as who,
// one transaction each, and after each insert reads its own count back,
// which must be exact.
func readWrite(dsn, who string, n int) error {
	db, err := sql.Open("sqlitekit", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for i := range n {
		if _, err := db.Exec("INSERT INTO t(who, i) VALUES (?, ?)", who, i); err != nil {
			return err
		}
		var mine int
		if err := db.QueryRow("SELECT count(*) FROM t WHERE who = ?", who).Scan(&mine); err != nil {
			return err
		}
		if mine != i+1 {
			return fmt.Errorf("read %d rows of mine after inserting %d", mine, i+1)
		}
	}
	return nil
}

// Four processes write and read one WAL database through sqlitekit while
// the sqlite3 CLI inserts too: every row is there, each process reads its
// own writes, and the database is intact for both SQLite builds.
func TestMultiProcess(t *testing.T) {
	t.Parallel()
	cli := testdb.CLI(t)
	path := testdb.Path(t)
	db := testdb.Open(t, path)
	if _, err := db.Exec("CREATE TABLE t(who TEXT, i INTEGER, UNIQUE(who, i))"); err != nil {
		t.Fatal(err)
	}

	const procs, rows = 4, 150
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for p := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SQLITEKIT_MP_DSN="+path, "SQLITEKIT_MP_WHO=p"+strconv.Itoa(p), "SQLITEKIT_MP_ROWS="+strconv.Itoa(rows))
		cmds = append(cmds, cmd)
	}
	var script strings.Builder
	script.WriteString(".timeout 30000\n")
	for i := range rows {
		fmt.Fprintf(&script, "INSERT INTO t VALUES ('cli', %d);\n", i)
	}
	cliCmd := exec.Command(cli, path)
	cliCmd.Stdin = strings.NewReader(script.String())
	cmds = append(cmds, cliCmd)

	for _, cmd := range cmds {
		out := new(strings.Builder)
		cmd.Stdout, cmd.Stderr = out, out
		outs = append(outs, out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i])
		}
	}

	rowsBy := map[string]int{}
	r, err := db.Query("SELECT who, count(*) FROM t GROUP BY who")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var who string
		var n int
		if err := r.Scan(&who, &n); err != nil {
			t.Fatal(err)
		}
		rowsBy[who] = n
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"p0", "p1", "p2", "p3", "cli"} {
		if rowsBy[who] != rows {
			t.Errorf("rows of %s: %d, want %d", who, rowsBy[who], rows)
		}
	}
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check from sqlitekit: %q, %v", ok, err)
	}
	out, err := exec.Command(cli, path, "PRAGMA integrity_check;").CombinedOutput()
	if err != nil || string(out) != "ok\n" {
		t.Errorf("integrity_check from the CLI: %q, %v", out, err)
	}
}
