package vector

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// vec0 is one vec0 virtual table on one connection.
//
// Storage (ordinary tables of the same schema, so that everything is
// transactional and visible to every connection):
//
//	T_info(key, value)                          format marker
//	T_chunks(chunk_id, p00.., slots)            one row per chunk of chunkSize slots:
//	                                            its partition key values, and in one
//	                                            BLOB a bitmap of the slots in use
//	                                            (chunkSize/8 bytes) then the rowid of
//	                                            each slot (8 bytes, little-endian);
//	                                            UNIQUE (p00.., chunk_id) indexes it
//	                                            by partition
//	T_vectorsNN(rowid, vectors)                 one per vector column: the chunk's
//	                                            vectors packed in BLOBs of up to
//	                                            64 KiB (see segSlots)
//	T_rowids(rowid, [id], chunk_id, chunk_offset, m00..)
//	                                            one row per row: where its vectors are,
//	                                            its text primary key, its metadata
//	T_auxiliary(rowid, a00..)                   auxiliary columns, if any
//
// A KNN query reads each chunk's vectors as one BLOB, so a scan of 100,000
// vectors reads about a hundred large cells instead of 100,000 rows.
type vec0 struct {
	db     *sqlite3.Conn
	schema string
	table  string
	d      *vec0Decl

	w vec0Writer // state of the current write transaction

	// Prepared statements of cursors, kept between queries: SQLite opens a
	// cursor each time a statement runs, and preparing costs more than a
	// KNN query over a small table.
	pool map[string][]*sqlite3.Stmt
}

// vec0PoolSize bounds the number of distinct statements kept (those of
// filters vary with the length of IN lists).
const vec0PoolSize = 32

func (t *vec0) getStmt(sql string) (*sqlite3.Stmt, error) {
	if free := t.pool[sql]; len(free) > 0 {
		s := free[len(free)-1]
		t.pool[sql] = free[:len(free)-1]
		return s, nil
	}
	s, _, err := t.db.PrepareFlags(sql, sqlite3.PREPARE_PERSISTENT|sqlite3.PREPARE_DONT_LOG)
	return s, err
}

func (t *vec0) putStmt(sql string, s *sqlite3.Stmt) {
	s.Reset()
	s.ClearBindings()
	if _, ok := t.pool[sql]; !ok && len(t.pool) >= vec0PoolSize {
		s.Close()
		return
	}
	if t.pool == nil {
		t.pool = map[string][]*sqlite3.Stmt{}
	}
	t.pool[sql] = append(t.pool[sql], s)
}

func (t *vec0) closePool() {
	for _, free := range t.pool {
		for _, s := range free {
			s.Close()
		}
	}
	t.pool = nil
}

// vec0Format is the value of the format key in T_info.
const (
	vec0FormatKey = "sqlitekit_vec0_format"
	vec0Format    = 1
)

func registerVec0(db *sqlite3.Conn) error {
	return errors.Join(
		sqlite3.CreateModule(db, "vec0", createVec0, connectVec0),
		sqlite3.CreateModule[*vecEach](db, "vec_each", nil, connectVecEach),
		// "e MATCH ?" names the function match(), which a KNN query never
		// calls (vec0 takes the constraint), but which must be innocuous
		// for a view or trigger to hold a KNN query when trusted_schema
		// is off. SQLite's own stand-in (from sqlite3_overload_function)
		// is not; this one fails the same way if it is ever called.
		db.CreateFunction("match", 2, sqlite3.INNOCUOUS, func(ctx sqlite3.Context, _ ...sqlite3.Value) {
			ctx.ResultError(errors.New("unable to use function MATCH in the requested context"))
		}),
	)
}

func createVec0(db *sqlite3.Conn, _, schema, table string, args ...string) (*vec0, error) {
	return openVec0(db, schema, table, args, true)
}

func connectVec0(db *sqlite3.Conn, _, schema, table string, args ...string) (*vec0, error) {
	return openVec0(db, schema, table, args, false)
}

func openVec0(db *sqlite3.Conn, schema, table string, args []string, create bool) (*vec0, error) {
	d, err := parseVec0(args)
	if err != nil {
		return nil, fmt.Errorf("vec0 constructor error: %w", err)
	}
	t := &vec0{db: db, schema: schema, table: table, d: d}
	t.w.t = t
	if err := db.DeclareVTab(t.declaration()); err != nil {
		return nil, fmt.Errorf("vec0 constructor error: could not declare virtual table: %w", err)
	}
	// Like FTS5 and R*Tree, vec0 touches nothing but its own shadow
	// tables: triggers and views may use it even with trusted_schema off
	// (this SQLite's default, unlike the stock build sqlite-vec runs on).
	if err := db.VTabConfig(sqlite3.VTAB_INNOCUOUS); err != nil {
		return nil, fmt.Errorf("vec0 constructor error: %w", err)
	}
	if create {
		if err := t.createShadow(); err != nil {
			return nil, fmt.Errorf("vec0 constructor error: %w", err)
		}
		return t, nil
	}
	if err := t.checkFormat(); err != nil {
		return nil, fmt.Errorf("vec0: %s: %w", table, err)
	}
	return t, nil
}

// declaration is the schema declared to SQLite: the primary key (or a
// column named rowid), the user columns in order, and the hidden distance
// and k columns of KNN queries, as sqlite-vec declares them.
func (t *vec0) declaration() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE x(")
	if t.d.pkName != "" {
		b.WriteString(sqlite3.QuoteIdentifier(t.d.pkName) + " PRIMARY KEY, ")
	} else {
		b.WriteString("rowid, ")
	}
	for _, c := range t.d.cols {
		b.WriteString(sqlite3.QuoteIdentifier(c.name) + ", ")
	}
	b.WriteString("distance HIDDEN, k HIDDEN)")
	if t.d.pkName != "" {
		b.WriteString(" WITHOUT ROWID")
	}
	return b.String()
}

// Column numbers of the declared table.
func (t *vec0) colDistance() int { return 1 + len(t.d.cols) }
func (t *vec0) colK() int        { return 2 + len(t.d.cols) }

// user returns the user column of declared column n, or nil.
func (t *vec0) user(n int) *vecCol {
	if n >= 1 && n <= len(t.d.cols) {
		return &t.d.cols[n-1]
	}
	return nil
}

// shadow returns the quoted name of shadow table T_suffix.
func (t *vec0) shadow(suffix string) string {
	return sqlite3.QuoteIdentifier(t.schema) + "." + sqlite3.QuoteIdentifier(t.table+"_"+suffix)
}

func vectorsSuffix(i int) string { return fmt.Sprintf("vectors%02d", i) }

func (t *vec0) createShadow() error {
	d := t.d
	var sqls []string
	sqls = append(sqls,
		"CREATE TABLE "+t.shadow("info")+" (key TEXT PRIMARY KEY, value ANY)",
		fmt.Sprintf("INSERT INTO %s VALUES ('%s', %d), ('chunk_size', %d)", t.shadow("info"), vec0FormatKey, vec0Format, d.chunkSize))
	var b strings.Builder
	b.WriteString("CREATE TABLE " + t.shadow("chunks") + " (chunk_id INTEGER PRIMARY KEY, ")
	for i := range d.nPart {
		fmt.Fprintf(&b, "p%02d, ", i)
	}
	b.WriteString("slots BLOB NOT NULL")
	if d.nPart > 0 {
		// The index by partition: a UNIQUE constraint (trivially true with
		// chunk_id), not a CREATE INDEX, so that its index is named after
		// the table and renamed with it (an index of its own would keep
		// the old name, and a new table of that name could not be made).
		b.WriteString(", UNIQUE (")
		for i := range d.nPart {
			fmt.Fprintf(&b, "p%02d, ", i)
		}
		b.WriteString("chunk_id)")
	}
	b.WriteString(")")
	sqls = append(sqls, b.String())
	for i := range d.nVec {
		sqls = append(sqls, "CREATE TABLE "+t.shadow(vectorsSuffix(i))+" (rowid INTEGER PRIMARY KEY, vectors BLOB NOT NULL)")
	}
	b.Reset()
	b.WriteString("CREATE TABLE " + t.shadow("rowids") + " (rowid INTEGER PRIMARY KEY, ")
	if d.pkType == typeText {
		b.WriteString("id TEXT NOT NULL UNIQUE, ")
	}
	b.WriteString("chunk_id INTEGER NOT NULL, chunk_offset INTEGER NOT NULL")
	for i := range d.nMeta {
		fmt.Fprintf(&b, ", m%02d", i)
	}
	b.WriteString(")")
	sqls = append(sqls, b.String())
	if d.nAux > 0 {
		b.Reset()
		b.WriteString("CREATE TABLE " + t.shadow("auxiliary") + " (rowid INTEGER PRIMARY KEY")
		for i := range d.nAux {
			fmt.Fprintf(&b, ", a%02d", i)
		}
		b.WriteString(")")
		sqls = append(sqls, b.String())
	}
	for _, s := range sqls {
		if err := t.db.Exec(s); err != nil {
			return fmt.Errorf("could not create shadow tables: %w", err)
		}
	}
	return nil
}

// shadowSuffixes lists the shadow tables of t.
func (t *vec0) shadowSuffixes() []string {
	s := []string{"info", "chunks", "rowids"}
	for i := range t.d.nVec {
		s = append(s, vectorsSuffix(i))
	}
	if t.d.nAux > 0 {
		s = append(s, "auxiliary")
	}
	return s
}

// checkFormat makes sure the shadow tables are sqlitekit's: a table created
// by sqlite-vec (C) has shadow tables of the same names but another layout.
func (t *vec0) checkFormat() error {
	stmt, _, err := t.db.PrepareFlags("SELECT value FROM "+t.shadow("info")+" WHERE key = '"+vec0FormatKey+"'", sqlite3.PREPARE_DONT_LOG)
	if err != nil {
		return fmt.Errorf("its shadow tables are missing or damaged: %w", err)
	}
	defer stmt.Close()
	if !stmt.Step() {
		if err := stmt.Err(); err != nil {
			return err
		}
		return errors.New("its storage was written by sqlite-vec (C), whose format sqlitekit does not read; " +
			"copy the rows out with sqlite-vec and into a new table (see the package documentation)")
	}
	if v := stmt.ColumnInt(0); v != vec0Format {
		return fmt.Errorf("storage format %d is not known to this version of sqlitekit (it reads format %d)", v, vec0Format)
	}
	return nil
}

// wrap prefixes err, if not nil, with the module and the table name.
func (t *vec0) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("vec0: %s: %w", t.table, err)
}

// Destroy drops the shadow tables.
func (t *vec0) Destroy() error {
	t.w.close()
	t.closePool()
	for _, s := range t.shadowSuffixes() {
		if err := t.db.Exec("DROP TABLE IF EXISTS " + t.shadow(s)); err != nil {
			return err
		}
	}
	return nil
}

// Rename renames the shadow tables.
func (t *vec0) Rename(name string) error {
	t.w.close() // the statements name the old tables
	t.closePool()
	for _, s := range t.shadowSuffixes() {
		err := t.db.Exec(fmt.Sprintf("ALTER TABLE %s RENAME TO %s", t.shadow(s), sqlite3.QuoteIdentifier(name+"_"+s)))
		if err != nil {
			return err
		}
	}
	t.table = name
	return nil
}

// ShadowTables tells SQLite that names starting with the table name and an
// underscore are this table's, protected from writes in defensive mode.
func (t *vec0) ShadowTables() {}

// Close releases the statements and BLOB handles of t.
func (t *vec0) Close() error {
	t.w.close()
	t.closePool()
	return nil
}

// Transactions: the writer's caches (open BLOB handles, the free slots of
// the current chunks) are valid only inside one write transaction, and only
// until a rollback.

func (t *vec0) Begin() error         { t.w.reset(); return nil }
func (t *vec0) Sync() error          { t.w.reset(); return nil }
func (t *vec0) Commit() error        { t.w.reset(); return nil }
func (t *vec0) Rollback() error      { t.w.reset(); return nil }
func (t *vec0) Savepoint(int) error  { return nil }
func (t *vec0) Release(int) error    { return nil }
func (t *vec0) RollbackTo(int) error { t.w.reset(); return nil }
func (t *vec0) Open() (sqlite3.VTabCursor, error) {
	return &vec0Cursor{t: t}, nil
}
