package driver

import (
	"errors"

	"github.com/ncruces/go-sqlite3"
)

// CachedVMSteps returns the VM steps SQLite counted for the cached
// statement of query on the connection driverConn (from sql.Conn.Raw).
func CachedVMSteps(driverConn any, query string) (int, error) {
	c, ok := driverConn.(*conn)
	if !ok {
		return 0, errors.New("not a sqlitekit connection")
	}
	e := c.cache.entries[query]
	if e == nil {
		return 0, errors.New("not cached: " + query)
	}
	return e.s.Status(sqlite3.STMTSTATUS_VM_STEP, false), nil
}
