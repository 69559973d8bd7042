package pragma

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxStmtCache bounds StmtCache: each cached statement holds memory.
const maxStmtCache = 10000

// Parse returns the Config a DSN describes: [Default], changed only by
// what the DSN names. The result is valid: Parse runs [Config.Validate].
//
// The DSN is a file name, or a "file:" [URI] with parameters; as with
// mattn/go-sqlite3, a plain file name may carry parameters after a "?".
// Parse takes the parameters of ncruces/go-sqlite3, mattn/go-sqlite3 and
// modernc.org/sqlite as the package docs' table says (see DSN dialects),
// and sqlitekit's own _stmt_cache (see [Config.StmtCache]).
//
// A parameter that sqlitekit does not support is an error wrapping
// [ErrUnsupportedParameter], saying what to use instead; any other
// unknown parameter is an error wrapping [ErrUnknownParameter]; an
// unknown PRAGMA name is an error wrapping [ErrUnknownPragma]; a bad
// value is an error wrapping [ErrInvalidValue]. Each error names the
// parameter or PRAGMA and suggests the nearest known name. A setting
// named twice, in any spelling, is an error.
//
// A PRAGMA given without a value (_pragma=journal_mode) leaves that
// setting to SQLite: it clears the Config field.
//
// [URI]: https://sqlite.org/uri.html
func Parse(dsn string) (Config, error) {
	c := Default()
	path, query, err := splitDSN(dsn)
	if err != nil {
		return Config{}, err
	}
	c.Path = path

	seen := map[string]bool{}
	once := func(name string) error {
		if seen[name] {
			return invalid(name, "", "given twice")
		}
		seen[name] = true
		return nil
	}

	for part := range strings.SplitSeq(query, "&") {
		if part == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(rawKey)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil {
			if secret(part) {
				return Config{}, invalid(rawKey, "", "bad %%-escape (the value is not shown: it may hold a key)")
			}
			return Config{}, invalid(rawKey, rawValue, "bad %%-escape in %q", part)
		}

		switch d, ok := dsnParams[key]; {
		case !ok:
			err = unknown(ErrUnknownParameter, key, parameters())
		case d.unsupported != "":
			err = &Error{Name: key, Err: ErrUnsupportedParameter, Reason: "not supported: " + d.unsupported}
		case d.pragma != "":
			err = setPragma(&c, d.pragma, value, false, once)
		default:
			err = setParam(&c, key, value, once)
		}
		if err != nil {
			return Config{}, err
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// splitDSN returns the file name and the query of a DSN.
func splitDSN(dsn string) (path, query string, err error) {
	rest, isURI := strings.CutPrefix(dsn, "file:")
	if !isURI {
		path, query, _ = strings.Cut(dsn, "?")
		return path, query, nil
	}
	rest, fragment, _ := strings.Cut(rest, "#")
	if fragment != "" { // not quoted: it may hold a key
		return "", "", invalid("path", "", "the URI has a fragment (text after '#'), which SQLite ignores: write a '#' of a file name as %%23")
	}
	rest, query, _ = strings.Cut(rest, "?")
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		authority, p, _ := strings.Cut(after, "/")
		if authority != "" && authority != "localhost" {
			return "", "", invalid("path", dsn, "URI authority %q is not supported: only empty or localhost", authority)
		}
		rest = "/" + p
	}
	path, err = url.PathUnescape(rest)
	if err != nil {
		return "", "", invalid("path", rest, "bad %%-escape in %q", rest)
	}
	return path, query, nil
}

// setParam applies a DSN parameter other than mattn's PRAGMA shortcuts.
func setParam(c *Config, key, value string, once func(string) error) error {
	switch key {
	case "_pragma":
		name, arg, bare, ok := splitPragma(value)
		if !ok {
			if secret(value) {
				return invalid("_pragma", "", "not name(value), name=value or name (the value is not shown: it may hold a key)")
			}
			return invalid("_pragma", value, "%q is not name(value), name=value or name", value)
		}
		return setPragma(c, name, arg, bare, once)
	case "_time_format":
		layout, ok := moderncTimeFormats[value]
		if !ok {
			return notOneOf(key, value, "sqlite", "datetime", "string_no_monotonic")
		}
		if once("_timefmt") != nil {
			return invalid(key, value, "_timefmt and _time_format name one setting: give one of them")
		}
		c.TimeFormat = layout
		return nil
	case "_mutex":
		// mattn's choice of SQLite's mutexes: database/sql uses each
		// connection from one goroutine at a time, which is what "no"
		// asks for, and sqlitekit's connections are safe either way.
		if v := strings.ToLower(value); v != "no" && v != "full" {
			return notOneOf(key, value, "no", "full")
		}
	}
	setting := key
	if key == "_stmt_cache_size" {
		setting = "_stmt_cache" // mattn's name for the same setting
	}
	if err := once(setting); err != nil {
		return err
	}
	switch setting {
	case "_txlock":
		c.TxLock = TxLock(strings.ToLower(value))
		if c.TxLock == "concurrent" {
			return invalid(key, value, "%q is not supported: this SQLite has no BEGIN CONCURRENT; use immediate", value)
		}
	case "_loc":
		c.TimeLocation = value
	case "_timefmt":
		if err := checkTimeFormat(key, value); err != nil {
			return err
		}
		c.TimeFormat = value
	case "_stmt_cache":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || n > maxStmtCache {
			return invalid(key, value, "%q is not a number of statements from 0 to %d", value, maxStmtCache)
		}
		c.StmtCache = n
	case "vfs":
		c.VFS = value
	case "mode":
		c.Mode = Mode(strings.ToLower(value))
	case "cache":
		if v := strings.ToLower(value); v != "shared" && v != "private" {
			return notOneOf(key, value, "shared", "private")
		}
	case "immutable":
		b, ok := parseBool(value)
		if !ok {
			return notBool(key, value)
		}
		c.Immutable = b
	}
	return nil
}

// splitPragma splits "name(value)", "name=value" or "name".
func splitPragma(s string) (name, value string, bare, ok bool) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "(=")
	if i < 0 {
		return strings.ToLower(s), "", true, s != ""
	}
	name, value = strings.ToLower(strings.TrimSpace(s[:i])), strings.TrimSpace(s[i+1:])
	if s[i] == '(' {
		value, ok = strings.CutSuffix(value, ")")
		value = strings.TrimSpace(value)
	} else {
		ok = true
	}
	return name, value, false, ok && name != ""
}

// setPragma applies one PRAGMA: to its field, or appended to c.Extra.
func setPragma(c *Config, name, value string, bare bool, once func(string) error) error {
	if !Known(name) {
		return unknown(ErrUnknownPragma, name, Names())
	}
	f, ok := fields[name]
	if !ok {
		p := Pragma{Name: name, Value: value}
		if err := p.validate(); err != nil {
			return err
		}
		c.Extra = append(c.Extra, p)
		return nil
	}
	if err := once(name); err != nil {
		return err
	}
	if bare {
		if f.clear == nil {
			return invalid(name, "", "needs a value")
		}
		f.clear(c)
		return nil
	}
	return f.parse(c, unquote(value))
}

// unquote removes SQL quotes around a value: 'wal' or "wal".
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
		q := v[:1]
		return strings.ReplaceAll(v[1:len(v)-1], q+q, q)
	}
	return v
}

// String returns a DSN for c that [Parse] turns back into c, and that
// ncruces/go-sqlite3 (sqlite3.Open and its database/sql driver) accepts
// as it is: a "file:" URI with one _pragma parameter per setting, the
// busy timeout first.
//
// A field left at its zero value where [Default] sets it is written as a
// PRAGMA without a value (_pragma=journal_mode), which reads the setting
// and changes nothing, or as an empty parameter (_txlock=).
//
// Values are %-escaped where a DSN parser would split them: '&', '#',
// '+', '=', ' ' and ';' (ncruces' open reads the _pragma parameters with
// net/url, which drops a parameter that holds a ';').
//
// The DSN holds every value of c, encryption keys (key, hexkey, textkey)
// included: do not log it. Errors of this package never show a key.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("file:")
	if strings.HasPrefix(c.Path, "//") {
		b.WriteString("//") // an empty URI authority keeps the path's slashes
	}
	escape(&b, c.Path, "?# ")
	sep := byte('?')
	add := func(key, value string) {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(key)
		b.WriteByte('=')
		escape(&b, value, "&#+=; ")
	}
	d := Default()
	param := func(key, value, def string) {
		if value != "" || def != "" {
			add(key, value)
		}
	}
	param("vfs", c.VFS, d.VFS)
	param("mode", string(c.Mode), string(d.Mode))
	if c.Immutable {
		add("immutable", "1")
	}
	param("_txlock", string(c.TxLock), string(d.TxLock))
	param("_timefmt", c.TimeFormat, d.TimeFormat)
	param("_loc", c.TimeLocation, d.TimeLocation)
	if c.StmtCache != d.StmtCache {
		add("_stmt_cache", strconv.Itoa(c.StmtCache))
	}

	extra := c.Extra
	for len(extra) > 0 && slices.Contains(vfsPragmas, extra[0].Name) {
		add("_pragma", extra[0].call())
		extra = extra[1:]
	}
	for _, name := range typed {
		f := fields[name]
		v, set := f.format(&c)
		if _, def := f.format(&d); set || def && f.clear == nil {
			add("_pragma", name+"("+v+")")
		} else if def {
			add("_pragma", name)
		}
	}
	for _, p := range extra {
		add("_pragma", p.call())
	}
	return b.String()
}

// call returns "name(value)", or "name" without a value.
func (p Pragma) call() string {
	if p.Value == "" {
		return p.Name
	}
	return p.Name + "(" + p.Value + ")"
}

// escape writes s to b, %-escaping '%', the bytes in special, control
// bytes and bytes outside ASCII: url.Parse, which ncruces' open runs on
// the DSN, fails on a control byte, and a failed parse drops every
// _pragma.
func escape(b *strings.Builder, s, special string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '%' || ch < 0x20 || ch >= 0x7f || strings.IndexByte(special, ch) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		} else {
			b.WriteByte(ch)
		}
	}
}
