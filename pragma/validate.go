package pragma

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validate reports the first thing wrong with c, as an [*Error]:
// a value out of range or not in its enumeration, an Extra PRAGMA that
// SQLite does not know, that has a field of its own or that is given
// twice (key, hexkey and textkey count as one).
func (c Config) Validate() error {
	if c.Path == "" {
		return invalid("path", "", "empty: name a database file, or :memory:")
	}
	if strings.ContainsRune(c.Path, 0) {
		return invalid("path", c.Path, "contains a NUL byte")
	}
	if len(c.Path) >= 5 && strings.EqualFold(c.Path[:5], "file:") {
		// A DSN put in Path would open a file of that name, such as
		// "file::memory:" on disk where a memory database was meant.
		return invalid("path", c.Path, "%q is a URI, not a file name: read a DSN with Parse; a file whose name begins with \"file:\" is written with its directory (\"./file:...\")", c.Path)
	}
	if err := checkEnum("mode", c.Mode, ModeReadOnly, ModeReadWrite, ModeReadWriteCreate, ModeMemory); err != nil {
		return err
	}
	if err := checkEnum("_txlock", c.TxLock, TxDeferred, TxImmediate, TxExclusive); err != nil {
		return err
	}
	if strings.ContainsRune(c.VFS, 0) {
		return invalid("vfs", c.VFS, "contains a NUL byte")
	}
	if err := checkTimeFormat("_timefmt", c.TimeFormat); err != nil {
		return err
	}
	if err := checkLocation(c.TimeLocation); err != nil {
		return err
	}
	if c.StmtCache < 0 || c.StmtCache > maxStmtCache {
		return invalid("_stmt_cache", strconv.Itoa(c.StmtCache), "%d is not a number of statements from 0 to %d", c.StmtCache, maxStmtCache)
	}
	if d := c.BusyTimeout; d < 0 || d%time.Millisecond != 0 || d > math.MaxInt32*time.Millisecond {
		return invalid("busy_timeout", d.String(), "%v is not a whole number of milliseconds from 0 to %d", d, math.MaxInt32)
	}
	for _, name := range typed {
		f := fields[name]
		if v, set := f.format(&c); set {
			var scratch Config
			if err := f.parse(&scratch, v); err != nil {
				return err
			}
			if w, _ := f.format(&scratch); w != v {
				return invalid(name, v, "%q must be written %q", v, w)
			}
		}
	}
	keys := true
	seen := map[string]bool{}
	for _, p := range c.Extra {
		if err := p.validate(); err != nil {
			return err
		}
		isKey := slices.Contains(vfsPragmas, p.Name)
		if isKey && !keys {
			return invalid(p.Name, p.Value, "an encryption key must come before the other Extra pragmas")
		}
		keys = isKey
		// A setting given twice: SQLite would take the last value.
		setting := p.Name
		if isKey {
			setting = "key" // key, hexkey and textkey set one key
		}
		if seen[setting] {
			if isKey {
				return invalid(p.Name, "", "an encryption key is given twice (key, hexkey and textkey set the same key)")
			}
			return invalid(p.Name, p.Value, "given twice")
		}
		seen[setting] = true
	}
	return nil
}

func checkEnum[T ~string](name string, v T, values ...T) error {
	if v == "" || slices.Contains(values, v) {
		return nil
	}
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return notOneOf(name, string(v), names...)
}

func (p Pragma) validate() error {
	if !slices.Contains(engine, p.Name) && !slices.Contains(vfsPragmas, p.Name) {
		return unknown(ErrUnknownPragma, p.Name, Names())
	}
	if _, ok := fields[p.Name]; ok {
		return invalid(p.Name, p.Value, "has a field of its own in Config: set that field, not Extra")
	}
	if !validArgument(p.Value) {
		if secret(p.Name) {
			return invalid(p.Name, "", "the key is not a number, a name or a quoted string (the value is not shown)")
		}
		return invalid(p.Name, p.Value, "%q is not a number, a name or a quoted string", p.Value)
	}
	if why, ok := headerWrites[p.Name]; ok && p.Value != "" {
		// Not through invalid, which cuts a %s argument short.
		return &Error{Name: p.Name, Value: p.Value, Err: ErrInvalidValue,
			Reason: "writes the database file's header, not a connection setting: every new connection would write it again, undoing later changes; " + why}
	}
	if p.Name == "threads" && p.Value != "" {
		if n, err := strconv.ParseInt(p.Value, 10, 64); err != nil || n != 0 {
			// https://sqlite.org/pragma.html#pragma_threads
			return invalid(p.Name, p.Value, "this build of SQLite has no worker threads (SQLITE_MAX_WORKER_THREADS is 0): SQLite would read %s as 0 and sort on one thread", p.Value)
		}
	}
	return nil
}

// headerWrites are the PRAGMAs that, given a value, write the database
// file's header instead of setting up a connection, and what to do
// instead. The PRAGMAs of Extra run on every new connection, so such a
// value would be written again each time the pool opens one. Without a
// value they only read, and are allowed. (The other PRAGMAs that change
// the file when run, page_size, auto_vacuum and journal_mode, have
// fields of their own and are meant to be the same on every connection;
// the actions incremental_vacuum, wal_checkpoint and optimize change no
// stored value, and are left to the caller.)
var headerWrites = map[string]string{
	// https://sqlite.org/pragma.html#pragma_user_version
	"user_version": "use driver.Migrate, which keeps the schema's version there, or run PRAGMA user_version once",
	// https://sqlite.org/pragma.html#pragma_schema_version
	"schema_version": "SQLite keeps it, and setting it by hand can corrupt the database; run PRAGMA schema_version once, by hand, if at all",
	// https://sqlite.org/pragma.html#pragma_application_id
	"application_id": "run PRAGMA application_id once, when the database is created (in a first driver.Migrate step, for example)",
}

// validArgument reports whether v is a PRAGMA argument that cannot
// smuggle in more SQL: empty, a number, a name, or a quoted string.
func validArgument(v string) bool {
	if v == "" {
		return true
	}
	if q := v[0]; q == '\'' || q == '"' {
		if len(v) < 2 || v[len(v)-1] != q {
			return false
		}
		inner := v[1 : len(v)-1]
		return !strings.ContainsRune(inner, 0) &&
			!strings.Contains(strings.ReplaceAll(inner, string(q)+string(q), ""), string(q))
	}
	s := strings.TrimLeft(v, "+-")
	if len(v)-len(s) > 1 || s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case r >= '0' && r <= '9', r == '.' && i > 0:
		default:
			return false
		}
	}
	return true
}
