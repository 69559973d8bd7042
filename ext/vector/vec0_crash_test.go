package vector_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/vector"
	"github.com/sqlitekit/sqlitekit/internal/crashtest"
)

// A crash test of vec0 writes: a child process inserts, updates and
// deletes rows of a vec0 table with a partition key, metadata and
// auxiliary columns, in transactions, and is killed with SIGKILL at a
// random moment. Each row's content follows from its id and version (the
// number of times it was updated), so the parent knows what every row
// must hold.

const crashDims = 8

// crashRow is what row id holds at version ver.
func crashRow(id, ver int64) (v []float32, tag string, score float64, flag bool, note string) {
	r := rand.New(rand.NewPCG(uint64(id), uint64(ver)))
	v = make([]float32, crashDims)
	for i := range v {
		v[i] = 2*r.Float32() - 1
	}
	return v, "t" + strconv.FormatInt((id+ver)%5, 10), float64(ver) / 2, ver%2 == 0, fmt.Sprintf("n%d-%d", id, ver)
}

func crashPart(id int64) int64 { return id % 3 }

func openCrashVec0(path string) (*sqlite3.Conn, error) {
	c, err := sqlite3.Open(path)
	if err != nil {
		return nil, err
	}
	err = vector.Register(c)
	if err == nil {
		err = c.Exec(`PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;
			CREATE VIRTUAL TABLE IF NOT EXISTS items USING vec0(id integer primary key,
				part integer partition key, v float[8], tag text, score float, flag boolean,
				+note text, chunk_size = 16)`)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// crashVersions reads the id and version of every row (from note).
func crashVersions(c *sqlite3.Conn) (map[int64]int64, error) {
	rows, err := tryQuery(c, "SELECT id, note FROM items")
	if err != nil {
		return nil, err
	}
	vers := map[int64]int64{}
	for _, r := range rows {
		id := r[0].(int64)
		_, after, _ := strings.Cut(r[1].(string), "-")
		ver, err := strconv.ParseInt(after, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("row %d: note %q", id, r[1])
		}
		vers[id] = ver
	}
	return vers, nil
}

// vec0CrashWriter is the child: transactions of 1 to 12 inserts, updates and
// deletes; before COMMIT it writes "tx" and the operations ("+id",
// "~id", "-id"), after COMMIT returned "ok".
func vec0CrashWriter(path string) error {
	c, err := openCrashVec0(path)
	if err != nil {
		return err
	}
	defer c.Close()
	vers, err := crashVersions(c)
	if err != nil {
		return err
	}
	next := int64(1)
	for id := range vers {
		next = max(next, id+1)
	}
	crashtest.Ack("ready")
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), 8))
	ids := func() []int64 { // in order, so that the choice depends on r alone
		s := make([]int64, 0, len(vers))
		for id := range vers {
			s = append(s, id)
		}
		slices.Sort(s)
		return s
	}
	for {
		if err := c.Exec("BEGIN IMMEDIATE"); err != nil {
			return err
		}
		ops := []string{"tx"}
		for range 1 + r.IntN(12) {
			op := r.IntN(4)
			if len(vers) < 50 {
				op = 0
			}
			var err error
			switch op {
			case 0, 1: // insert
				id := next
				next++
				v, tag, score, flag, note := crashRow(id, 0)
				_, err = tryQuery(c, "INSERT INTO items(id, part, v, tag, score, flag, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
					id, crashPart(id), vector.Encode(v), tag, score, b2i(flag), note)
				vers[id] = 0
				ops = append(ops, "+"+strconv.FormatInt(id, 10))
			case 2: // update every column but the keys
				s := ids()
				id := s[r.IntN(len(s))]
				vers[id]++
				v, tag, score, flag, note := crashRow(id, vers[id])
				_, err = tryQuery(c, "UPDATE items SET v = ?, tag = ?, score = ?, flag = ?, note = ? WHERE id = ?",
					vector.Encode(v), tag, score, b2i(flag), note, id)
				ops = append(ops, "~"+strconv.FormatInt(id, 10))
			default:
				s := ids()
				id := s[r.IntN(len(s))]
				delete(vers, id)
				_, err = tryQuery(c, "DELETE FROM items WHERE id = ?", id)
				ops = append(ops, "-"+strconv.FormatInt(id, 10))
			}
			if err != nil {
				return err
			}
		}
		crashtest.Ack(strings.Join(ops, " "))
		if err := c.Exec("COMMIT"); err != nil {
			return err
		}
		crashtest.Ack("ok")
	}
}

func TestCrashChild(t *testing.T) {
	crashtest.Child(t, map[string]crashtest.Role{"vec0": vec0CrashWriter})
}

// apply returns vers with the operations of a "tx" line applied.
func apply(vers map[int64]int64, line string) map[int64]int64 {
	out := make(map[int64]int64, len(vers))
	for id, v := range vers {
		out[id] = v
	}
	for _, op := range strings.Fields(line)[1:] {
		id, _ := strconv.ParseInt(op[1:], 10, 64)
		switch op[0] {
		case '+':
			out[id] = 0
		case '~':
			out[id]++
		case '-':
			delete(out, id)
		}
	}
	return out
}

// checkCrashVec0 checks the table after a kill against vers, the rows the
// acknowledged transactions leave: the table holds exactly those rows, or
// those of pending (the transaction the child was committing) if not
// nil, with the content their versions say, in every column; integrity_check
// (which checks vec0's shadow tables) passes, the shadow tables hold one
// row per row, and KNN queries, with and without partition and metadata
// filters, answer what a brute-force scan does. It returns the rows the
// table holds.
func checkCrashVec0(t *testing.T, path string, vers, pending map[int64]int64) map[int64]int64 {
	t.Helper()
	c, err := openCrashVec0(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := query(t, c, "PRAGMA integrity_check"); len(got) != 1 || got[0][0] != "ok" {
		t.Fatalf("integrity_check: %v", got)
	}
	have, err := crashVersions(c)
	if err != nil {
		t.Fatal(err)
	}
	if !mapsEqual(have, vers) && (pending == nil || !mapsEqual(have, pending)) {
		t.Fatalf("the table holds %d rows, not the %d the acknowledged transactions leave (nor the %d of the one being committed)", len(have), len(vers), len(pending))
	}
	rows := query(t, c, "SELECT id, part, v, tag, score, flag, note FROM items")
	for _, r := range rows {
		id := r[0].(int64)
		v, tag, score, flag, note := crashRow(id, have[id])
		got, err := vector.Decode(r[2].([]byte))
		if err != nil || !slices.Equal(got, v) || r[1] != crashPart(id) || r[3] != tag || r[4] != score || r[5] != b2i(flag) || r[6] != note {
			t.Fatalf("row %d at version %d reads %v", id, have[id], r)
		}
	}
	for _, shadow := range []string{"items_rowids", "items_auxiliary"} {
		if n := query(t, c, "SELECT count(*) FROM "+shadow)[0][0]; n != int64(len(have)) {
			t.Fatalf("%s has %v rows for %d rows", shadow, n, len(have))
		}
	}
	// Each chunk has its vectors, and no vectors lack their chunk: chunk
	// c's vectors are row c*SegMax of T_vectors00 (with chunk_size 16,
	// one row).
	if n := query(t, c, fmt.Sprintf(`SELECT (SELECT count(*) FROM items_vectors00 WHERE rowid / %[1]d NOT IN (SELECT chunk_id FROM items_chunks))
		+ (SELECT count(*) FROM items_chunks WHERE chunk_id * %[1]d NOT IN (SELECT rowid FROM items_vectors00))`, vector.SegMax))[0][0]; n != int64(0) {
		t.Fatalf("%v chunks without vectors or vectors without a chunk", n)
	}
	// KNN against brute force.
	r := rand.New(rand.NewPCG(uint64(len(have)), 1))
	for range 4 {
		q := make([]float32, crashDims)
		for i := range q {
			q[i] = 2*r.Float32() - 1
		}
		for _, filter := range []struct {
			sql  string
			keep func(id int64) bool
		}{
			{"", func(int64) bool { return true }},
			{" AND part = 1", func(id int64) bool { return crashPart(id) == 1 }},
			{" AND tag = 't2'", func(id int64) bool { _, tag, _, _, _ := crashRow(id, have[id]); return tag == "t2" }},
		} {
			var want []float64
			for id, ver := range have {
				if filter.keep(id) {
					v, _, _, _, _ := crashRow(id, ver)
					want = append(want, l2(q, v))
				}
			}
			slices.Sort(want)
			want = want[:min(10, len(want))]
			got := query(t, c, "SELECT id, distance FROM items WHERE v MATCH ? AND k = 10"+filter.sql, vector.Encode(q))
			if len(got) != len(want) {
				t.Fatalf("KNN%s: %d rows, brute force %d", filter.sql, len(got), len(want))
			}
			for i, g := range got {
				id, d := g[0].(int64), g[1].(float64)
				v, _, _, _, _ := crashRow(id, have[id])
				if _, ok := have[id]; !ok || !filter.keep(id) || math.Abs(d-want[i]) > 1e-4 || math.Abs(d-l2(q, v)) > 1e-4 {
					t.Fatalf("KNN%s: row %d is %d at %v; brute force: %v", filter.sql, i, id, d, want)
				}
			}
		}
	}
	return have
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func l2(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func mapsEqual(a, b map[int64]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestCrashVec0Writes kills the writer again and again: after each kill
// the table is exactly what the acknowledged transactions left (or that
// and the one being committed), consistent in all its shadow tables.
func TestCrashVec0Writes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "crash.db")
	r := rand.New(rand.NewPCG(61, 62))
	vers := map[int64]int64{}
	kills := crashtest.Kills(16)
	var txs, inDoubt int
	for range kills {
		acks, killed := crashtest.Run(t, "vec0", path, crashtest.Delay(r, 250*time.Millisecond))
		if !killed {
			t.Fatal("the writer ended by itself")
		}
		var pending map[int64]int64
		for _, a := range acks[1:] {
			switch {
			case strings.HasPrefix(a.Text, "tx"):
				pending = apply(vers, a.Text)
			case a.Text == "ok":
				vers, pending = pending, nil
				txs++
			}
		}
		have := checkCrashVec0(t, path, vers, pending)
		if pending != nil && mapsEqual(have, pending) && !mapsEqual(have, vers) {
			inDoubt++ // committed, not yet acknowledged
		}
		vers = have
	}
	if txs == 0 {
		t.Fatal("the writer never committed")
	}
	t.Logf("%d kills, %d transactions acknowledged, %d rows left; %d kills came between COMMIT and its acknowledgement", kills, txs, len(vers), inDoubt)
}
