package driver

import "github.com/ncruces/go-sqlite3"

// timeFormats returns how times are read and written for a _timefmt.
func timeFormats(f string) (read, write sqlite3.TimeFormat) {
	switch f {
	case "", "auto":
		return sqlite3.TimeFormatAuto, sqlite3.TimeFormatDefault
	case "sqlite":
		return sqlite3.TimeFormatAuto, sqlite3.TimeFormat3
	case "rfc3339":
		return sqlite3.TimeFormatDefault, sqlite3.TimeFormatDefault
	}
	return sqlite3.TimeFormat(f), sqlite3.TimeFormat(f)
}
