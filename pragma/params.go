package pragma

import (
	"slices"
	"strings"
	"time"
)

// dsnParam is what Parse does with one DSN parameter. The package docs
// publish this table; a test checks it against the parameters
// ncruces/go-sqlite3, mattn/go-sqlite3 and modernc.org/sqlite document.
type dsnParam struct {
	// pragma, if not empty: the parameter is a shortcut for this PRAGMA
	// (mattn's, which modernc took over), with the same values.
	pragma string
	// unsupported, if not empty: Parse refuses the parameter with
	// ErrUnsupportedParameter, and this says what to do instead.
	unsupported string
}

var dsnParams = map[string]dsnParam{
	// Parameters with a meaning of their own; setParam applies them.
	"_pragma": {}, "_txlock": {}, "_timefmt": {}, "_time_format": {},
	"_stmt_cache": {}, "_stmt_cache_size": {}, "_loc": {}, "_mutex": {},
	"vfs": {}, "mode": {}, "cache": {}, "immutable": {},

	// mattn's PRAGMA shortcuts; modernc accepts the first six pairs.
	"_busy_timeout": {pragma: "busy_timeout"}, "_timeout": {pragma: "busy_timeout"},
	"_foreign_keys": {pragma: "foreign_keys"}, "_fk": {pragma: "foreign_keys"},
	"_journal_mode": {pragma: "journal_mode"}, "_journal": {pragma: "journal_mode"},
	"_synchronous": {pragma: "synchronous"}, "_sync": {pragma: "synchronous"},
	"_auto_vacuum": {pragma: "auto_vacuum"}, "_vacuum": {pragma: "auto_vacuum"},
	"_query_only":          {pragma: "query_only"},
	"_cache_size":          {pragma: "cache_size"},
	"_case_sensitive_like": {pragma: "case_sensitive_like"}, "_cslike": {pragma: "case_sensitive_like"},
	"_defer_foreign_keys": {pragma: "defer_foreign_keys"}, "_defer_fk": {pragma: "defer_foreign_keys"},
	"_ignore_check_constraints": {pragma: "ignore_check_constraints"},
	"_locking_mode":             {pragma: "locking_mode"}, "_locking": {pragma: "locking_mode"},
	"_recursive_triggers": {pragma: "recursive_triggers"}, "_rt": {pragma: "recursive_triggers"},
	"_secure_delete":   {pragma: "secure_delete"},
	"_writable_schema": {pragma: "writable_schema"},

	// Refused: what each would mean cannot be had here, or not safely.
	"_auth":       {unsupported: noAuth},
	"_auth_user":  {unsupported: noAuth},
	"_auth_pass":  {unsupported: noAuth},
	"_auth_crypt": {unsupported: noAuth},
	"_auth_salt":  {unsupported: noAuth},

	"_time_integer_format": {unsupported: "use _timefmt=unixepoch (unix), unixepoch_milli, unixepoch_micro or unixepoch_nano"},
	"_inttotime":           {unsupported: "DATE, TIME, DATETIME and TIMESTAMP columns always read as time.Time, from text and numbers alike: remove it"},
	"_texttotime": {unsupported: "remove it. A DATE, TIME, DATETIME or TIMESTAMP column always reads as time.Time, from numbers and from text in the format times are written in or any format SQLite's date functions read; a TEXT column always reads as a string; " +
		"any other value (an expression such as max(ts), a column of no declared type) reads as time.Time only if it is text exactly as times are written in RFC 3339 (_timefmt unset or rfc3339), else as a string, where modernc's _texttotime parses any date-shaped text: " +
		"write times with _timefmt unset, or scan such values into a string and parse them"},
	"_timezone":  {unsupported: "use _loc to read times in a location, and write times in the location they should be stored in"},
	"_dqs":       {unsupported: "in driver.Options.ConnInit, call conn.Config(sqlite3.DBCONFIG_DQS_DML, false) and conn.Config(sqlite3.DBCONFIG_DQS_DDL, false)"},
	"_defensive": {unsupported: "in driver.Options.ConnInit, call conn.Config(sqlite3.DBCONFIG_DEFENSIVE, true)"},
	"_error_rc":  {unsupported: "errors are ncruces/go-sqlite3's, with the extended result code: match them with errors.Is and the sqlite3 codes; remove it"},

	"nolock": {unsupported: "without file locks, writers of other connections could corrupt the database; for a file on read-only media use immutable=1"},
	"psow":   {unsupported: "powersafe overwrite is on, SQLite's default: remove it"},
	"modeof": {unsupported: "create the file with the permissions it needs before opening it"},

	"key":     {unsupported: noURIKey},
	"hexkey":  {unsupported: noURIKey},
	"textkey": {unsupported: noURIKey},
}

const (
	noAuth   = "SQLite's user authentication extension is not in this SQLite (SQLite dropped it, and mattn ignores these parameters unless built with sqlite_userauth): remove them, and protect the file with its permissions or encrypt it (vfs=adiantum with _pragma=textkey)"
	noURIKey = "a key in the file name can be read back by any code that sees the name: give it as a PRAGMA, _pragma=textkey('...') (or key, hexkey)"
)

// parameters lists every DSN parameter Parse knows, for suggestions.
func parameters() []string {
	p := make([]string, 0, len(dsnParams))
	for k := range dsnParams {
		p = append(p, k)
	}
	slices.Sort(p)
	return p
}

// checkLocation reports whether loc is a TimeLocation: empty, "auto" or
// a name time.LoadLocation knows.
func checkLocation(loc string) error {
	if loc == "" || loc == "auto" {
		return nil
	}
	if _, err := time.LoadLocation(loc); err != nil || strings.ContainsRune(loc, 0) {
		return invalid("_loc", loc, "%q is not auto or a time zone name such as UTC or Europe/Paris", loc)
	}
	return nil
}
