package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	ncruces "github.com/ncruces/go-sqlite3/driver"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// The settings both drivers get, so that only the driver differs.
const benchPragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_pragma=cache_size(-20000)"

// benchDBs opens the same kind of database through sqlitekit and through
// plain ncruces/go-sqlite3, filled by fill.
func benchDBs(b *testing.B, fill string) map[string]*sql.DB {
	b.Helper()
	dbs := map[string]*sql.DB{}
	for _, name := range []string{"ncruces", "sqlitekit"} {
		dsn := "file:" + testdb.Path(b) + "?" + benchPragmas
		var db *sql.DB
		var err error
		if name == "ncruces" {
			db, err = ncruces.Open(dsn)
		} else {
			db, err = sql.Open("sqlitekit", dsn)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		db.SetMaxOpenConns(1)
		if _, err := db.Exec(fill); err != nil {
			b.Fatal(err)
		}
		dbs[name] = db
	}
	return dbs
}

const fillPoints = `
	CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, score REAL);
	INSERT INTO users(name, email, score)
		SELECT 'user ' || value, 'user' || value || '@example.com', value / 7.0
		FROM generate_series(1, 10000);`

// BenchmarkPointSelect is the call applications make thousands of times:
// db.QueryRowContext with literal SQL, unprepared, against the same call
// on an explicitly prepared *sql.Stmt.
func BenchmarkPointSelect(b *testing.B) {
	dbs := benchDBs(b, fillPoints)
	const q = "SELECT name, email, score FROM users WHERE id = ?"
	ctx := context.Background()
	for _, name := range []string{"ncruces", "sqlitekit"} {
		db := dbs[name]
		b.Run(name+"/unprepared", func(b *testing.B) {
			b.ReportAllocs()
			var n, e string
			var s float64
			i := 0
			for b.Loop() {
				i = i%10000 + 1
				if err := db.QueryRowContext(ctx, q, i).Scan(&n, &e, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/prepared", func(b *testing.B) {
			st, err := db.PrepareContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ReportAllocs()
			var n, e string
			var s float64
			i := 0
			for b.Loop() {
				i = i%10000 + 1
				if err := st.QueryRowContext(ctx, i).Scan(&n, &e, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInsert inserts rows one statement at a time in one transaction.
func BenchmarkInsert(b *testing.B) {
	dbs := benchDBs(b, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL)")
	for _, name := range []string{"ncruces", "sqlitekit"} {
		db := dbs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			tx, err := db.Begin()
			if err != nil {
				b.Fatal(err)
			}
			defer tx.Commit()
			i := 0
			for b.Loop() {
				i++
				if _, err := tx.Exec("INSERT INTO t(name, score) VALUES (?, ?)", "name", float64(i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScan reads 10,000 rows of three columns.
func BenchmarkScan(b *testing.B) {
	dbs := benchDBs(b, fillPoints)
	for _, name := range []string{"ncruces", "sqlitekit"} {
		db := dbs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rows, err := db.Query("SELECT id, name, score FROM users")
				if err != nil {
					b.Fatal(err)
				}
				var id int64
				var n string
				var s float64
				count := 0
				for rows.Next() {
					if err := rows.Scan(&id, &n, &s); err != nil {
						b.Fatal(err)
					}
					count++
				}
				rows.Close()
				if count != 10000 {
					b.Fatal(fmt.Sprint("rows: ", count))
				}
			}
		})
	}
}

// BenchmarkConnect opens a connection: the file, the PRAGMAs, and for
// sqlitekit the journal mode check and the extensions.
func BenchmarkConnect(b *testing.B) {
	path := testdb.Path(b)
	for _, name := range []string{"ncruces", "sqlitekit"} {
		b.Run(name, func(b *testing.B) {
			dsn := "file:" + path + "?" + benchPragmas
			for b.Loop() {
				var db *sql.DB
				var err error
				if name == "ncruces" {
					db, err = ncruces.Open(dsn)
				} else {
					db, err = sql.Open("sqlitekit", dsn)
				}
				if err == nil {
					err = db.Ping()
				}
				if err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}
}

// BenchmarkOpenFirstQuery is start to first query without the process:
// a new pool opens an existing database (one connection: the file, the
// PRAGMAs, for sqlitekit the journal mode check, the identity and the
// extensions) and runs a point select. Each iteration does it once on
// plain ncruces and once on sqlitekit, in an order that alternates, so
// that the machine's drift touches both alike; sqlitekit/ncruces is the
// median of the ratios of batches of 16 iterations.
func BenchmarkOpenFirstQuery(b *testing.B) {
	path := testdb.Path(b)
	if _, err := testdb.Open(b, "file:"+path+"?"+benchPragmas).Exec(fillPoints); err != nil {
		b.Fatal(err)
	}
	// The same settings as the bench's start workload.
	dsn := "file:" + path + "?" + benchPragmas + "&_pragma=foreign_keys(on)&_pragma=temp_store(memory)&_pragma=journal_size_limit(67108864)"
	once := func(name string) time.Duration {
		t := time.Now()
		var db *sql.DB
		var err error
		if name == "ncruces" {
			db, err = ncruces.Open(dsn)
		} else {
			db, err = sql.Open("sqlitekit", dsn)
		}
		var email string
		if err == nil {
			err = db.QueryRow("SELECT email FROM users WHERE id = ?", 42).Scan(&email)
		}
		d := time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		return d
	}
	var sum [2]time.Duration
	var batch [2]time.Duration
	var ratios []float64
	i := 0
	for b.Loop() {
		for k := range 2 {
			j := (i + k) % 2 // 0: ncruces, 1: sqlitekit
			d := once([]string{"ncruces", "sqlitekit"}[j])
			sum[j] += d
			batch[j] += d
		}
		if i++; i%16 == 0 {
			ratios = append(ratios, float64(batch[1])/float64(batch[0]))
			batch = [2]time.Duration{}
		}
	}
	b.ReportMetric(float64(sum[0].Nanoseconds())/float64(i), "ncruces-ns/open")
	b.ReportMetric(float64(sum[1].Nanoseconds())/float64(i), "sqlitekit-ns/open")
	if len(ratios) > 0 {
		slices.Sort(ratios)
		b.ReportMetric(ratios[len(ratios)/2], "sqlitekit/ncruces")
	}
}
