//go:build probe_sqlitekit

package main

import (
	"database/sql"

	_ "github.com/sqlitekit/sqlitekit/driver"
)

func open(path string, pragmas [][2]string) (*sql.DB, error) {
	return sql.Open("sqlitekit", "file:"+path+"?"+pragmaDSN(pragmas))
}
