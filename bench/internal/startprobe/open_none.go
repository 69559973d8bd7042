//go:build !probe_sqlitekit && !probe_ncruces && !probe_modernc && !(probe_mattn && cgo)

package main

import (
	"database/sql"
	"errors"
)

func open(string, [][2]string) (*sql.DB, error) {
	return nil, errors.New("built without a driver: build with -tags probe_<driver> (mattn also needs cgo)")
}
