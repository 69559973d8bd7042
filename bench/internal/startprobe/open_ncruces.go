//go:build probe_ncruces

package main

import (
	"database/sql"

	_ "github.com/ncruces/go-sqlite3/driver"
)

func open(path string, pragmas [][2]string) (*sql.DB, error) {
	return sql.Open("sqlite3", "file:"+path+"?"+pragmaDSN(pragmas))
}
