//go:build probe_mattn && cgo

package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	sqlite3 "github.com/mattn/go-sqlite3"
)

type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.drv }

func open(path string, pragmas [][2]string) (*sql.DB, error) {
	return sql.OpenDB(connector{dsn: "file:" + path, drv: &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			for _, p := range pragmas {
				if _, err := c.Exec(fmt.Sprintf("PRAGMA %s=%s", p[0], p[1]), nil); err != nil {
					return err
				}
			}
			return nil
		},
	}}), nil
}
