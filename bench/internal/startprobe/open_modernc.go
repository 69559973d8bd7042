//go:build probe_modernc

package main

import (
	"database/sql"

	_ "modernc.org/sqlite"
)

func open(path string, pragmas [][2]string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+path+"?"+pragmaDSN(pragmas))
}
