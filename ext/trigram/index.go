package trigram

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Querier runs SQL: [*sql.DB], [*sql.Conn] and [*sql.Tx] are Queriers.
// (driver.Querier and vector.Querier are the same idea; this package's
// also runs ExecContext, to create and drop indexes.)
// Functions that change the schema run in a transaction of their own when the
// handle also has a BeginTx method ([*sql.DB], [*sql.Conn]): a call that
// fails changes nothing. With a [*sql.Tx] they run in the caller's
// transaction, and a call that fails may leave part of its work there:
// roll the transaction back.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Index describes an external-content FTS5 trigram index over the text
// columns of an existing table of the main schema.
//
// https://sqlite.org/fts5.html#external_content_tables
type Index struct {
	// Name is the name of the FTS5 virtual table.
	// If empty, it is Table + "_trigram".
	// The triggers that keep it in sync are named Name + "_ai", "_ad" and "_au".
	Name string
	// Table is the content table. Required.
	Table string
	// Columns are the indexed columns of Table, at least one.
	// Values that are not text are indexed as SQLite converts them to text;
	// NULL indexes as empty text.
	Columns []string
	// RowID is the integer key of Table that search hits report.
	// If empty, it is "rowid". Otherwise it names the table's INTEGER
	// PRIMARY KEY, or an INTEGER column declared NOT NULL with a UNIQUE
	// constraint or a unique index of its own (a WITHOUT ROWID table
	// needs one); [Create] refuses any other column, since hits would
	// repeat for rows sharing a value and miss rows where it is NULL.
	RowID string
	// CaseSensitive makes the index, and every search over it, case-sensitive
	// (tokenize='trigram case_sensitive 1'). If false, matching folds case the
	// way the trigram tokenizer does: Unicode simple case folding, not only ASCII.
	CaseSensitive bool
	// RemoveDiacritics makes matching ignore diacritics
	// (tokenize='trigram remove_diacritics 1'): "é" matches "e", and combining
	// marks are ignored. It requires CaseSensitive to be false.
	RemoveDiacritics bool
}

// ErrInvalidIndex is wrapped by the errors returned for an [Index] that
// cannot describe an index (an empty or malformed name, no columns, a column
// named twice, a column name FTS5 reserves, or RemoveDiacritics with
// CaseSensitive) or that does not fit its content table ([Create]: a table
// or column that does not exist in the main schema, a view or virtual
// table as the content table, a RowID that is not an
// integer key of the table, a TEMP table of the same name, an object of the
// index's names that is not part of a trigram index).
var ErrInvalidIndex = errors.New("invalid index")

// name returns the virtual table's name.
func (idx Index) name() string {
	if idx.Name == "" {
		return idx.Table + "_trigram"
	}
	return idx.Name
}

func (idx Index) rowid() string {
	if idx.RowID == "" {
		return "rowid"
	}
	return idx.RowID
}

func (idx Index) mode() foldMode { return modeOf(idx.CaseSensitive, idx.RemoveDiacritics) }

func checkName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: %s is empty", ErrInvalidIndex, what)
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("%w: %s %q contains a NUL byte", ErrInvalidIndex, what, name)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: %s %q is not valid UTF-8", ErrInvalidIndex, what, name)
	}
	return nil
}

// validate checks what can be checked without a database.
func (idx Index) validate() error {
	if err := checkName("table", idx.Table); err != nil {
		return err
	}
	if idx.Name != "" {
		if err := checkName("name", idx.Name); err != nil {
			return err
		}
	}
	if idx.RowID != "" {
		if err := checkName("rowid", idx.RowID); err != nil {
			return err
		}
	}
	if len(idx.Columns) == 0 {
		return fmt.Errorf("%w: no columns", ErrInvalidIndex)
	}
	seen := map[string]bool{}
	for _, c := range idx.Columns {
		if err := checkName("column", c); err != nil {
			return err
		}
		lc := sqlFold(c)
		switch {
		case seen[lc]:
			return fmt.Errorf("%w: column %q named twice", ErrInvalidIndex, c)
		case lc == "rank" || lc == "rowid" || lc == sqlFold(idx.name()):
			return fmt.Errorf("%w: FTS5 reserves the column name %q", ErrInvalidIndex, c)
		}
		seen[lc] = true
	}
	if idx.CaseSensitive && idx.RemoveDiacritics {
		return fmt.Errorf("%w: RemoveDiacritics requires CaseSensitive to be false", ErrInvalidIndex)
	}
	return nil
}

// validateWith checks ctx and db, then idx, for the exported functions.
func (idx Index) validateWith(ctx context.Context, db Querier) error {
	if err := cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil("Querier", db)); err != nil {
		return err
	}
	return idx.validate()
}

// tokenize returns the FTS5 tokenize option.
func (idx Index) tokenize() string { return tokenizeOption(idx.mode()) }

// tokenizeOption returns the FTS5 tokenize option of the fold mode m.
func tokenizeOption(m foldMode) string {
	switch m {
	case foldModeNone:
		return "trigram case_sensitive 1"
	case foldModeDiacritics:
		return "trigram remove_diacritics 1"
	default:
		return "trigram"
	}
}

func q(id string) string { return sqlite3.QuoteIdentifier(id) }

// sqlFold returns the name id as SQLite compares names: ASCII letters
// in lower case, every other character as it is ("É" and "é" are two
// names, as are the Kelvin sign and "k").
func sqlFold(id string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, id)
}

// schema returns the statements that create the index, in order:
// the virtual table and the insert, delete and update triggers.
// SQLite keeps their text in sqlite_schema; Create compares it.
func (idx Index) schema() []string {
	name, table, rowid := q(idx.name()), q(idx.Table), q(idx.rowid())
	cols := make([]string, len(idx.Columns))
	for i, c := range idx.Columns {
		cols[i] = q(c)
	}
	list := strings.Join(cols, ", ")
	prefixed := func(p string) string {
		s := make([]string, len(cols))
		for i, c := range cols {
			s[i] = p + c
		}
		return strings.Join(s, ", ")
	}
	// The update trigger fires when the indexed text changes: comparing the
	// values as blobs tells 1 from 1.0, which index as different text.
	changed := []string{"old." + rowid + " IS NOT new." + rowid}
	for _, c := range cols {
		changed = append(changed, "CAST(old."+c+" AS BLOB) IS NOT CAST(new."+c+" AS BLOB)")
	}
	insert := "INSERT INTO " + name + "(rowid, " + list + ") VALUES (new." + rowid + ", " + prefixed("new.") + ");"
	remove := "INSERT INTO " + name + "(" + name + ", rowid, " + list + ") VALUES ('delete', old." + rowid + ", " + prefixed("old.") + ");"
	return []string{
		"CREATE VIRTUAL TABLE " + name + " USING fts5(" + list +
			", content=" + sqlite3.Quote(idx.Table) +
			", content_rowid=" + sqlite3.Quote(idx.rowid()) +
			", tokenize='" + idx.tokenize() + "')",
		"CREATE TRIGGER " + q(idx.name()+"_ai") + " AFTER INSERT ON " + table + " BEGIN " + insert + " END",
		"CREATE TRIGGER " + q(idx.name()+"_ad") + " AFTER DELETE ON " + table + " BEGIN " + remove + " END",
		"CREATE TRIGGER " + q(idx.name()+"_au") + " AFTER UPDATE ON " + table +
			" WHEN " + strings.Join(changed, " OR ") + " BEGIN " + remove + " " + insert + " END",
	}
}

// objects returns the names Create makes, in the order of schema.
func (idx Index) objects() []string {
	n := idx.name()
	return []string{n, n + "_ai", n + "_ad", n + "_au"}
}

type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// inTx runs fn in a transaction of its own if db can begin one.
// In the caller's transaction (a *sql.Tx), fn runs as it is: a savepoint
// rolled back after a failed FTS5 'rebuild' in a table dropped and made
// again within it leaves the restored index corrupt (SQLite 3.54.1), so
// the caller rolls back its transaction instead.
func inTx(ctx context.Context, db Querier, fn func(Querier) error) (err error) {
	b, ok := db.(beginner)
	if !ok {
		return fn(db)
	}
	tx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// checkTable verifies that the content table and its columns exist, and
// that no TEMP table shadows it (the triggers would be made on that one).
func (idx Index) checkTable(ctx context.Context, db Querier) error {
	temp, err := db.QueryContext(ctx, `SELECT 1 FROM temp.sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`, idx.Table)
	if err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	shadowed := temp.Next()
	if err := errors.Join(temp.Err(), temp.Close()); err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	if shadowed {
		return fmt.Errorf("%w: a TEMP table %q shadows the content table on this connection: the triggers would be made on it", ErrInvalidIndex, idx.Table)
	}
	kind, err := db.QueryContext(ctx, `SELECT type FROM pragma_table_list(?) WHERE schema = 'main'`, idx.Table)
	if err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	var typ string
	if kind.Next() {
		err = kind.Scan(&typ)
	}
	if err := errors.Join(err, kind.Err(), kind.Close()); err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	if typ != "" && typ != "table" {
		// The index's triggers can only be made on a table.
		return fmt.Errorf("%w: %q is a %s, not a table", ErrInvalidIndex, idx.Table, typ)
	}
	rows, err := db.QueryContext(ctx, `SELECT name, pk, type, "notnull" FROM pragma_table_xinfo(?, 'main')`, idx.Table)
	if err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	defer rows.Close()
	cols := map[string]bool{}
	n, pks := 0, 0
	var ridPK, ridNotNull bool
	for rows.Next() {
		var name, typ string
		var pk int
		var notNull bool
		if err := rows.Scan(&name, &pk, &typ, &notNull); err != nil {
			return fmt.Errorf("table %q: %w", idx.Table, err)
		}
		cols[sqlFold(name)] = true
		n++
		if pk > 0 {
			pks++
		}
		if sqlFold(name) == sqlFold(idx.rowid()) {
			ridPK, ridNotNull = pk > 0, notNull
		}
		// FTS5 row IDs are integers: a TEXT key indexed nothing.
		if sqlFold(name) == sqlFold(idx.RowID) && !strings.Contains(strings.ToUpper(typ), "INT") {
			rows.Close()
			return fmt.Errorf("%w: rowid column %q is declared %q; it must be an INTEGER column", ErrInvalidIndex, name, typ)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: table %q does not exist in the main schema", ErrInvalidIndex, idx.Table)
	}
	for _, c := range idx.Columns {
		if !cols[sqlFold(c)] {
			return fmt.Errorf("%w: table %q has no column %q", ErrInvalidIndex, idx.Table, c)
		}
	}
	if idx.RowID != "" && sqlFold(idx.RowID) != "rowid" && !cols[sqlFold(idx.RowID)] {
		return fmt.Errorf("%w: table %q has no column %q", ErrInvalidIndex, idx.Table, idx.RowID)
	}
	return idx.checkKey(ctx, db, cols[sqlFold(idx.rowid())], ridPK && pks == 1, ridNotNull)
}

// checkKey verifies that the index's rowid is a key of the table, each
// row's own integer: FTS5 keeps one entry per rowid, so a value shared by
// two rows reported each hit twice, and a NULL one was never indexed.
// The key is the table's rowid, its INTEGER PRIMARY KEY (an alias of the
// rowid), or a NOT NULL column with a UNIQUE constraint or full unique
// index of its own. isColumn: the rowid names a column (not the built-in
// rowid); soloPK: that column is the whole primary key.
func (idx Index) checkKey(ctx context.Context, db Querier, isColumn, soloPK, notNull bool) error {
	rows, err := db.QueryContext(ctx, `
		SELECT (SELECT wr FROM pragma_table_list(?1) WHERE schema = 'main'),
		       EXISTS (SELECT 1 FROM pragma_index_list(?1, 'main') WHERE origin = 'pk'),
		       EXISTS (SELECT 1 FROM pragma_index_list(?1, 'main') AS il
		               WHERE il."unique" AND NOT il.partial
		                 AND (SELECT count(*) FROM pragma_index_info(il.name, 'main')) = 1
		                 AND (SELECT name FROM pragma_index_info(il.name, 'main')) = ?2 COLLATE NOCASE)`,
		idx.Table, idx.rowid())
	if err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	defer rows.Close()
	var withoutRowID, pkIndex, unique bool
	if rows.Next() {
		err = rows.Scan(&withoutRowID, &pkIndex, &unique)
	}
	if err := errors.Join(err, rows.Err()); err != nil {
		return fmt.Errorf("table %q: %w", idx.Table, err)
	}
	switch {
	case !isColumn && withoutRowID:
		return fmt.Errorf("%w: table %q is WITHOUT ROWID, so it has no rowid: set RowID to an INTEGER column that is its key", ErrInvalidIndex, idx.Table)
	case !isColumn:
		return nil // the built-in rowid
	case soloPK && !withoutRowID && !pkIndex:
		return nil // INTEGER PRIMARY KEY: the rowid under another name
	case !unique:
		return fmt.Errorf("%w: rowid column %q has no UNIQUE constraint or unique index of its own: rows sharing a value would be found twice; use the table's rowid or INTEGER PRIMARY KEY", ErrInvalidIndex, idx.rowid())
	case !notNull:
		return fmt.Errorf("%w: rowid column %q may be NULL, and a row where it is would never be found: declare it NOT NULL, or use the table's rowid or INTEGER PRIMARY KEY", ErrInvalidIndex, idx.rowid())
	}
	return nil
}

// existing returns the stored SQL of the objects Create makes
// ("" for those that do not exist). It refuses to go on if one of those
// names is taken by an object Create would not have made.
func (idx Index) existing(ctx context.Context, db Querier) ([]string, error) {
	names := idx.objects()
	out := make([]string, len(names))
	for i, n := range names {
		rows, err := db.QueryContext(ctx, `SELECT type, sql FROM main.sqlite_schema WHERE name = ? COLLATE NOCASE`, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var typ string
			var s sql.NullString
			if err := rows.Scan(&typ, &s); err != nil {
				rows.Close()
				return nil, err
			}
			// Ours, and safe to drop: an external-content FTS5 trigram
			// table (it holds no text of its own) and triggers that
			// write to it. A contentful FTS5 table or a trigger of the
			// application's that bears the name is not dropped.
			ours := typ == "trigger" && strings.Contains(sqlFold(s.String), sqlFold("INSERT INTO "+q(idx.name())+"("))
			if i == 0 {
				ours = typ == "table" && madeByCreate(s.String)
			}
			if !ours {
				rows.Close()
				return nil, fmt.Errorf("%w: %s %q exists and is not part of a trigram index", ErrInvalidIndex, typ, n)
			}
			out[i] = s.String
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// madeByCreate reports whether stmt, the SQL of a table in
// sqlite_schema, is the CREATE VIRTUAL TABLE of some Index's schema,
// exactly as it writes it: an external-content FTS5 trigram table, which
// holds no text of its own and is safe to drop. Looking for its options
// in the text is not enough: a contentful table or a contentless one
// (its empty content option last) has them too, and so may a quoted column name.
func madeByCreate(stmt string) bool {
	rest, ok := strings.CutPrefix(stmt, "CREATE VIRTUAL TABLE ")
	if _, rest, ok = cutQuoted(rest, '"'); !ok {
		return false
	}
	if rest, ok = strings.CutPrefix(rest, " USING fts5("); !ok {
		return false
	}
	for { // the columns, at least one, then the options
		if _, rest, ok = cutQuoted(rest, '"'); !ok {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, ", "); !ok {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, "content="); ok {
			break
		}
	}
	content, rest, ok := cutQuoted(rest, '\'')
	if !ok || content == "''" {
		return false // content='' is contentless: its index is the only copy
	}
	if rest, ok = strings.CutPrefix(rest, ", content_rowid="); !ok {
		return false
	}
	if _, rest, ok = cutQuoted(rest, '\''); !ok {
		return false
	}
	for _, m := range []foldMode{foldModeNone, foldModeCase, foldModeDiacritics} {
		if rest == ", tokenize='"+tokenizeOption(m)+"')" {
			return true
		}
	}
	return false
}

// cutQuoted cuts from s a leading string quoted with q (the quote
// doubled inside), as sqlite3.Quote and QuoteIdentifier write it, and
// returns it, quotes included, and the rest of s.
func cutQuoted(s string, q byte) (quoted, rest string, ok bool) {
	if s == "" || s[0] != q {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			i++
			continue
		}
		return s[:i+1], s[i+1:], true
	}
	return "", s, false
}

// Create creates the FTS5 trigram table of idx over its content table, the
// triggers that keep it in sync with every insert, update and delete, and
// indexes the rows the table already holds.
//
// Create is idempotent and cheap to call at every start: if the index and its
// triggers exist exactly as idx describes them, it only reads sqlite_schema.
// If objects of those names exist with another definition (other columns or
// options), Create drops and recreates them and indexes the table again, in
// one transaction: the code's Index is the source of truth.
//
// The triggers see every change made through SQL except rows that a REPLACE
// conflict resolution deletes while PRAGMA recursive_triggers is off (SQLite
// fires no delete trigger then): enable recursive_triggers or use an UPSERT
// if the table is written with INSERT OR REPLACE. [IntegrityCheck] detects a
// stale index and [Rebuild] repairs it.
//
// https://sqlite.org/fts5.html#external_content_tables
func Create(ctx context.Context, db Querier, idx Index) error {
	if err := idx.validateWith(ctx, db); err != nil {
		return fmt.Errorf("trigram: create: %w", err)
	}
	err := inTx(ctx, db, func(db Querier) error {
		if err := idx.checkTable(ctx, db); err != nil {
			return err
		}
		want := idx.schema()
		have, err := idx.existing(ctx, db)
		if err != nil {
			return err
		}
		same := true
		for i := range want {
			same = same && have[i] == want[i]
		}
		if same {
			return nil
		}
		if err := idx.drop(ctx, db); err != nil {
			return err
		}
		for _, s := range want {
			if _, err := db.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return idx.fill(ctx, db)
	})
	if err != nil {
		return fmt.Errorf("trigram: create %q: %w", idx.name(), err)
	}
	return nil
}

func (idx Index) drop(ctx context.Context, db Querier) error {
	for _, n := range idx.objects()[1:] {
		if _, err := db.ExecContext(ctx, "DROP TRIGGER IF EXISTS main."+q(n)); err != nil {
			return err
		}
	}
	_, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS main."+q(idx.name()))
	return err
}

// Drop drops the FTS5 table of idx and its triggers, if they exist.
// The content table is left as it is.
//
// https://sqlite.org/lang_droptable.html
func Drop(ctx context.Context, db Querier, idx Index) error {
	if err := idx.validateWith(ctx, db); err != nil {
		return fmt.Errorf("trigram: drop: %w", err)
	}
	err := inTx(ctx, db, func(db Querier) error {
		if _, err := idx.existing(ctx, db); err != nil {
			return err
		}
		return idx.drop(ctx, db)
	})
	if err != nil {
		return fmt.Errorf("trigram: drop %q: %w", idx.name(), err)
	}
	return nil
}

// command runs an FTS5 command on the index's table, which must be one
// Create made: the command is an INSERT, which would write a row into
// another table of that name.
func (idx Index) command(ctx context.Context, db Querier, cmd string) error {
	if _, err := idx.existing(ctx, db); err != nil {
		return err
	}
	name := q(idx.name())
	_, err := db.ExecContext(ctx, "INSERT INTO "+name+"("+name+") VALUES (?)", cmd)
	return err
}

// Rebuild discards the index of idx and builds it again from the content
// table, then merges it as [Optimize] does. It repairs an index that
// [IntegrityCheck] reports stale.
//
// https://sqlite.org/fts5.html#the_rebuild_command
func Rebuild(ctx context.Context, db Querier, idx Index) error {
	if err := idx.validateWith(ctx, db); err != nil {
		return fmt.Errorf("trigram: rebuild: %w", err)
	}
	if err := inTx(ctx, db, func(db Querier) error { return idx.fill(ctx, db) }); err != nil {
		return fmt.Errorf("trigram: rebuild %q: %w", idx.name(), err)
	}
	return nil
}

// fill indexes the content table again and merges the index into one
// segment: a rebuild leaves ten or so, and a phrase lookup reads each
// (merging makes the 6 to 10 character queries of the benchmark 1.2x
// faster, for 10% more build time).
func (idx Index) fill(ctx context.Context, db Querier) error {
	if err := idx.command(ctx, db, "rebuild"); err != nil {
		return err
	}
	return idx.command(ctx, db, "optimize")
}

// Optimize merges the segments of the index of idx into one, which makes
// queries faster after many writes. It rewrites the whole index.
//
// https://sqlite.org/fts5.html#the_optimize_command
func Optimize(ctx context.Context, db Querier, idx Index) error {
	if err := idx.validateWith(ctx, db); err != nil {
		return fmt.Errorf("trigram: optimize: %w", err)
	}
	if err := idx.command(ctx, db, "optimize"); err != nil {
		return fmt.Errorf("trigram: optimize %q: %w", idx.name(), err)
	}
	return nil
}

// IntegrityCheck verifies the index of idx, including that it matches the
// rows of its content table. A mismatch is reported as an error that wraps
// [sqlite3.CORRUPT_VTAB].
//
// https://sqlite.org/fts5.html#the_integrity_check_command
func IntegrityCheck(ctx context.Context, db Querier, idx Index) error {
	if err := idx.validateWith(ctx, db); err != nil {
		return fmt.Errorf("trigram: integrity check: %w", err)
	}
	name := q(idx.name())
	_, err := idx.existing(ctx, db)
	if err == nil {
		_, err = db.ExecContext(ctx, "INSERT INTO "+name+"("+name+", rank) VALUES ('integrity-check', 1)")
	}
	if err != nil {
		return fmt.Errorf("trigram: integrity check %q: %w", idx.name(), err)
	}
	return nil
}
