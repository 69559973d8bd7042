package vector_test

import (
	"bufio"
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

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// Tests of vec0 across connections and processes. The test binary plays
// the writer process: with SQLITEKIT_VEC0_WRITER set to a database path, it
// inserts rows in transactions until SQLITEKIT_VEC0_ROWS rows exist (or
// forever, if 0), printing the last rowid of each transaction once COMMIT
// has returned.

const procDims = 16

// procVector is the vector of row id: rows are checked by content.
func procVector(id int64) []float32 {
	r := rand.New(rand.NewPCG(uint64(id), 7))
	v := make([]float32, procDims)
	for i := range v {
		v[i] = 2*r.Float32() - 1
	}
	return v
}

func openFile(tb testing.TB, path string) *sqlite3.Conn {
	tb.Helper()
	c, err := openFileConn(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

func openFileConn(path string) (*sqlite3.Conn, error) {
	c, err := sqlite3.Open(path)
	if err != nil {
		return nil, err
	}
	err = vector.Register(c)
	if err == nil {
		err = c.Exec(`PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;
		CREATE VIRTUAL TABLE IF NOT EXISTS items USING vec0(id integer primary key, v float[16], tag text, chunk_size = 64)`)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func vec0Child() {
	rows, _ := strconv.Atoi(os.Getenv("SQLITEKIT_VEC0_ROWS"))
	if path := os.Getenv("SQLITEKIT_VEC0_READER"); path != "" {
		if err := procReader(path, int64(rows)); err != nil {
			fmt.Fprintln(os.Stderr, "reader:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	path := os.Getenv("SQLITEKIT_VEC0_WRITER")
	if path == "" {
		return
	}
	if err := procWriter(path, int64(rows)); err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// procReader reads items until it holds rows rows, checking at each read
// that it sees rows 1..n, each found first by KNN on its own vector; it
// prints the number of reads that saw some but not all rows.
func procReader(path string, rows int64) error {
	c, err := openFileConn(path)
	if err != nil {
		return err
	}
	defer c.Close()
	count, _, err := c.Prepare("SELECT count(*), coalesce(min(id), 1), coalesce(max(id), 0) FROM items")
	if err != nil {
		return err
	}
	defer count.Close()
	knn, _, err := c.Prepare("SELECT id, distance FROM items WHERE v MATCH ? AND k = 1")
	if err != nil {
		return err
	}
	defer knn.Close()
	partial := 0
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if err := c.Exec("BEGIN"); err != nil {
			return err
		}
		if !count.Step() {
			return fmt.Errorf("count: %v", count.Err())
		}
		n, lo, hi := count.ColumnInt64(0), count.ColumnInt64(1), count.ColumnInt64(2)
		count.Reset()
		if lo != 1 || hi != n {
			return fmt.Errorf("%d rows with ids %d..%d", n, lo, hi)
		}
		for _, id := range []int64{1, n, (n + 1) / 2} {
			if n == 0 {
				break
			}
			knn.BindBlob(1, vector.Encode(procVector(id)))
			if !knn.Step() || knn.ColumnInt64(0) != id || knn.ColumnFloat(1) != 0 {
				return fmt.Errorf("KNN of row %d's vector over %d rows: %d %v", id, n, knn.ColumnInt64(0), knn.Err())
			}
			knn.Reset()
		}
		if err := c.Exec("COMMIT"); err != nil {
			return err
		}
		if n == rows {
			fmt.Println(partial)
			return nil
		}
		if n > 0 {
			partial++
		}
	}
	return fmt.Errorf("the writer did not finish within a minute")
}

func procWriter(path string, rows int64) error {
	c, err := sqlite3.Open(path)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := vector.Register(c); err != nil {
		return err
	}
	if err := c.Exec(`PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;
		CREATE VIRTUAL TABLE IF NOT EXISTS items USING vec0(id integer primary key, v float[16], tag text, chunk_size = 64)`); err != nil {
		return err
	}
	next := int64(1)
	stmt, _, err := c.Prepare("SELECT coalesce(max(id), 0) + 1 FROM items")
	if err != nil {
		return err
	}
	if stmt.Step() {
		next = stmt.ColumnInt64(0)
	}
	stmt.Close()
	ins, _, err := c.Prepare("INSERT INTO items(id, v, tag) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), 1))
	for rows == 0 || next <= rows {
		if err := c.Exec("BEGIN IMMEDIATE"); err != nil {
			return err
		}
		batch := int64(1 + r.IntN(20))
		if rows > 0 {
			batch = min(batch, rows-next+1)
		}
		for range batch {
			ins.BindInt64(1, next)
			ins.BindBlob(2, vector.Encode(procVector(next)))
			ins.BindText(3, "t"+strconv.FormatInt(next%5, 10))
			if err := ins.Exec(); err != nil {
				return err
			}
			next++
		}
		if err := c.Exec("COMMIT"); err != nil {
			return err
		}
		fmt.Println(next - 1) // acknowledged
	}
	return nil
}

func startWriter(t *testing.T, path string, rows int) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SQLITEKIT_VEC0_WRITER="+path, "SQLITEKIT_VEC0_ROWS="+strconv.Itoa(rows))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

// checkConsistent checks what a connection sees of items: rows 1..n with
// the vectors and tags the writer gave them, in the shadow tables and
// through KNN, and returns n.
func checkConsistent(t *testing.T, c *sqlite3.Conn) int64 {
	t.Helper()
	if err := c.Exec("BEGIN"); err != nil { // one snapshot for all the reads
		t.Fatal(err)
	}
	defer c.Exec("COMMIT")
	rows := query(t, c, "SELECT id, v, tag FROM items")
	for i, r := range rows {
		id := r[0].(int64)
		if id != int64(i+1) {
			t.Fatalf("row %d has id %d: rows are missing", i+1, id)
		}
		got, err := vector.Decode(r[1].([]byte))
		if err != nil || fmt.Sprint(got) != fmt.Sprint(procVector(id)) || r[2] != "t"+strconv.FormatInt(id%5, 10) {
			t.Fatalf("row %d reads %v %v %v", id, got, r[2], err)
		}
	}
	n := int64(len(rows))
	if n == 0 {
		return 0
	}
	for _, id := range []int64{1, n, (n + 1) / 2} {
		knn := query(t, c, "SELECT id, distance FROM items WHERE v MATCH ? AND k = 3", vector.Encode(procVector(id)))
		if len(knn) != min(3, int(n)) || knn[0][0] != id || knn[0][1].(float64) != 0 {
			t.Fatalf("KNN of row %d's vector over %d rows: %v", id, n, knn)
		}
	}
	count := query(t, c, "SELECT count(*) FROM items WHERE v MATCH ? AND k = 4096", vector.Encode(procVector(1)))
	if want := min(n, 4096); count[0][0] != want {
		t.Fatalf("KNN with k = 4096 over %d rows found %v", n, count[0][0])
	}
	return n
}

// TestVec0TwoConnections: rows a connection inserts are invisible to
// another until COMMIT, a rollback leaves no trace, and a read transaction
// keeps its snapshot while the writer commits.
func TestVec0TwoConnections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.db")
	w, r := openFile(t, path), openFile(t, path)
	insert := func(from, to int64) {
		for id := from; id <= to; id++ {
			query(t, w, "INSERT INTO items(id, v, tag) VALUES (?, ?, ?)", id, vector.Encode(procVector(id)), "t"+strconv.FormatInt(id%5, 10))
		}
	}
	execSQL(t, w, "BEGIN")
	insert(1, 100)
	if n := checkConsistent(t, r); n != 0 {
		t.Fatalf("reader sees %d uncommitted rows", n)
	}
	execSQL(t, w, "COMMIT")
	if n := checkConsistent(t, r); n != 100 {
		t.Fatalf("reader sees %d rows, want 100", n)
	}
	execSQL(t, w, "BEGIN")
	insert(101, 300)
	execSQL(t, w, "ROLLBACK")
	if n := checkConsistent(t, w); n != 100 {
		t.Fatalf("after ROLLBACK the writer sees %d rows, want 100", n)
	}
	execSQL(t, r, "BEGIN")
	if got := query(t, r, "SELECT count(*) FROM items"); got[0][0] != int64(100) {
		t.Fatal(got)
	}
	insert(101, 250)
	if got := query(t, r, "SELECT count(*) FROM items WHERE v MATCH ? AND k = 1000", vector.Encode(procVector(7))); got[0][0] != int64(100) {
		t.Fatalf("reader's snapshot changed: %v", got)
	}
	execSQL(t, r, "COMMIT")
	if n := checkConsistent(t, r); n != 250 {
		t.Fatalf("reader sees %d rows, want 250", n)
	}
}

// TestVec0ProcessReadsWhileOneWrites: another process inserts rows while
// this one and a third read; every read sees a consistent prefix of the
// rows.
func TestVec0ProcessReadsWhileOneWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := filepath.Join(t.TempDir(), "proc.db")
	r := openFile(t, path) // creates the table
	const rows = 10000
	reader := exec.Command(os.Args[0], "-test.run=^$")
	reader.Env = append(os.Environ(), "SQLITEKIT_VEC0_READER="+path, "SQLITEKIT_VEC0_ROWS="+strconv.Itoa(rows))
	reader.Stderr = os.Stderr
	readerOut := new(strings.Builder)
	reader.Stdout = readerOut
	if err := reader.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := reader.Wait(); err != nil {
			t.Errorf("reader process: %v", err)
		}
		t.Logf("the reader process made %s reads that saw some but not all rows", strings.TrimSpace(readerOut.String()))
	}()
	cmd, acks := startWriter(t, path, rows)
	done := make(chan error, 1)
	go func() {
		for acks.Scan() {
		}
		done <- cmd.Wait()
	}()
	reads, last := 0, int64(0) // reads that saw some but not all rows
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal("writer:", err)
			}
			if n := checkConsistent(t, r); n != rows {
				t.Fatalf("after the writer: %d rows, want %d", n, rows)
			}
			t.Logf("%d consistent reads while the writer inserted %d rows", reads, rows)
			if reads < 1 {
				t.Errorf("no read overlapped the writer")
			}
			return
		default:
		}
		n := checkConsistent(t, r)
		if n < last {
			t.Fatalf("rows went from %d to %d", last, n)
		}
		last = n
		if 0 < n && n < rows {
			reads++
		}
	}
}

// TestVec0Backup: SQLite's online backup copies a vec0 table with the
// database (its storage is ordinary tables), and the copy answers the same
// queries.
func TestVec0Backup(t *testing.T) {
	dir := t.TempDir()
	c := openFile(t, filepath.Join(dir, "src.db"))
	for id := int64(1); id <= 200; id++ {
		query(t, c, "INSERT INTO items(id, v, tag) VALUES (?, ?, ?)", id, vector.Encode(procVector(id)), "t"+strconv.FormatInt(id%5, 10))
	}
	if err := c.Backup("main", filepath.Join(dir, "copy.db")); err != nil {
		t.Fatal(err)
	}
	if n := checkConsistent(t, openFile(t, filepath.Join(dir, "copy.db"))); n != 200 {
		t.Fatalf("the copy has %d rows, want 200", n)
	}
}
