package driver

import (
	"context"
	"reflect"

	"github.com/ncruces/go-sqlite3"
)

// ncrucesSavepoint answers ncruces' driver.Savepoint(tx), which code
// written for ncruces/go-sqlite3 uses for nested transactions: it runs
// tx.ExecContext(ctx, "") with a context of its own type, a struct that
// embeds the sqlite3.Savepoint its connection fills in. sqlitekit's
// connection fills it in too, and reports whether ctx was one; without
// this, Savepoint returned a zero Savepoint whose Release panicked.
func (c *conn) ncrucesSavepoint(ctx context.Context) bool {
	v := reflect.ValueOf(ctx)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return false
	}
	v = v.Elem()
	t := v.Type()
	if t.Name() != "saveptCtx" || t.PkgPath() != "github.com/ncruces/go-sqlite3/driver" ||
		t.Kind() != reflect.Struct || t.NumField() != 1 || t.Field(0).Type != savepointType || !v.Field(0).CanSet() {
		return false
	}
	v.Field(0).Set(reflect.ValueOf(c.db.Savepoint()))
	return true
}

var savepointType = reflect.TypeFor[sqlite3.Savepoint]()
