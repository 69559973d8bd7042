package driver_test

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/driver"
	"github.com/sqlitekit/sqlitekit/internal/testdb"
)

// otherDriver is a database/sql driver that is neither sqlitekit nor
// ncruces: its connections have no SQLite connection to lend.
type otherDriver struct{}

func (otherDriver) Open(string) (sqldriver.Conn, error) { return otherConn{}, nil }

type otherConn struct{}

func (otherConn) Prepare(string) (sqldriver.Stmt, error) { return nil, errors.New("no") }
func (otherConn) Close() error                           { return nil }
func (otherConn) Begin() (sqldriver.Tx, error)           { return nil, errors.New("no") }

func init() { sql.Register("sqlitekit-test-other", otherDriver{}) }

// Errors say "sqlitekit: " once, however many sqlitekit layers wrap them.
func TestErrors_prefixOnce(t *testing.T) {
	t.Parallel()
	once := func(what string, err error, target error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		if n := strings.Count(err.Error(), "sqlitekit:"); n != 1 {
			t.Errorf("%s: %q says sqlitekit: %d times", what, err, n)
		}
		if !errors.Is(err, target) {
			t.Errorf("%s: %v does not match %v", what, err, target)
		}
	}
	ctx := context.Background()

	other, err := sql.Open("sqlitekit-test-other", "")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = driver.SizesOf(ctx, other)
	once("SizesOf another driver's pool", err, driver.ErrNotSqlitekit)
	_, err = driver.StatsOf(other)
	once("StatsOf another driver's pool", err, driver.ErrNotSqlitekit)
	once("Backup another driver's pool", driver.Backup(ctx, other, t.TempDir()+"/b.db", nil), driver.ErrNotSqlitekit)

	// A write transaction that waits out the busy timeout in the writer
	// queue behind another pool's.
	path := testdb.Path(t)
	holder := testdb.Open(t, path)
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	waiter := testdb.Open(t, path+"?_busy_timeout=50")
	start := time.Now()
	err = driver.Transaction(ctx, waiter, func(*sql.Tx) error { return nil })
	once("Transaction behind another writer", err, sqlite3.BUSY)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Transaction waited %v", d)
	}
}
