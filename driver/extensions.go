package driver

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	"github.com/ncruces/go-sqlite3/ext/vec1"

	"github.com/sqlitekit/sqlitekit/ext/trigram"
	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// The extensions (the engine's FTS5 and vec1, sqlitekit's ext/vector,
// vec0 included, and ext/trigram) are registered on a connection the
// first time it may need them, not at Connect. FTS5 and vec1 are each a
// module of their own that SQLite links into the connection: about 60 µs
// a connection, and 0.3 ms the first time in a process, which was most of
// what start to first query cost over plain ncruces; ext/vector and
// ext/trigram cost 20 µs more. So that no statement sees them missing, a
// connection registers them:
//
//   - before it prepares SQL that names FTS5 or vec1 (fts5, vec1, in any
//     case), that reads the whole schema as it runs (a PRAGMA:
//     integrity_check skips, silently, a virtual table whose module is
//     missing; pragma_function_list; ALTER TABLE), or a script (its
//     statements run one after the other, so none can be tried again);
//   - when preparing a statement, or its first step, fails with "no such
//     module", "no such function", "unknown function" or "no such table"
//     (a table of the schema is an FTS5, vec1 or vec0 table; a view,
//     trigger or index uses a function of theirs; vec_each(...)): the
//     statement is then tried once more, which is safe as nothing of it
//     has run;
//   - before the SQLite connection is handed out: Raw, ConnInit.

// registerAll registers every extension on db.
func registerAll(db *sqlite3.Conn) error {
	err := errors.Join(fts5.Register(db), vec1.Register(db), vector.Register(db), trigram.Register(db))
	if err != nil {
		return fmt.Errorf("sqlitekit: register extensions: %w", err)
	}
	return nil
}

// link registers the extensions on the connection, once.
func (c *conn) link() error {
	if c.linked {
		return nil
	}
	if err := registerAll(c.db); err != nil {
		return err
	}
	c.linked = true
	return nil
}

// prepare prepares the first statement of query, registering the
// extensions first if query may need them, or if it failed without them.
func (c *conn) prepare(query string) (*sqlite3.Stmt, string, error) {
	if !c.linked && mayNeedLinked(query) {
		if err := c.link(); err != nil {
			return nil, "", err
		}
	}
	s, tail, err := c.db.Prepare(query)
	if err != nil && c.linkedFor(err) {
		s, tail, err = c.db.Prepare(query)
	}
	return s, tail, err
}

// linkedFor reports whether err, of a statement that has not run, says
// that a module or a function is missing and registering the extensions
// just took place: the statement may be tried again.
func (c *conn) linkedFor(err error) bool {
	if c.linked || !errors.Is(err, sqlite3.ERROR) {
		return false
	}
	msg := err.Error()
	for _, missing := range missingMessages {
		if strings.Contains(msg, missing) {
			return c.link() == nil
		}
	}
	return false
}

// missingMessages are how SQLite says that a statement names something an
// extension registers: a module (a table of the schema is an FTS5, vec1
// or vec0 table), a function, or an eponymous table (vec_each(...)).
var missingMessages = [...]string{"no such module: ", "no such function: ", "unknown function: ", "no such table: "}

// mayNeedLinked reports whether sql names FTS5 or vec1 (fts5, vec1, in
// any case), or is a PRAGMA or ALTER TABLE, anywhere in its text: it may
// say yes wrongly, which costs a link, never no.
func mayNeedLinked(sql string) bool {
	for i := 0; i+4 <= len(sql); i++ {
		var word string
		switch sql[i] | 0x20 {
		case 'f':
			word = "fts5"
		case 'v':
			word = "vec1"
		case 'p':
			word = "pragma"
		case 'a':
			word = "alter"
		default:
			continue
		}
		if len(sql)-i >= len(word) && strings.EqualFold(sql[i:i+len(word)], word) {
			return true
		}
	}
	return false
}
