package conformance_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3"
)

// columnTypes describes the columns of rows, before the first Next, as
// an ORM's migrator reads them: name, declared type, scan type, length
// and decimal size. Not what differs by design (TestDiffScanTypes): the
// scan type of a column of a declared type the driver does not know,
// nor Nullable.
func columnTypes(rows *sql.Rows, err error) []string {
	if err != nil {
		return []string{"query: " + class(err)}
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return []string{"column types: " + class(err)}
	}
	var out []string
	for _, c := range cts {
		scan := c.ScanType().String()
		if !knownDecl[c.DatabaseTypeName()] {
			scan = "(deliberate)"
		}
		length, lok := c.Length()
		prec, scale, dok := c.DecimalSize()
		out = append(out, fmt.Sprintf("%s %q %s len=%d,%v dec=%d,%d,%v", c.Name(), c.DatabaseTypeName(), scan, length, lok, prec, scale, dok))
	}
	return out
}

// The statements GORM's SQLite dialect (ncruces' gormlite) runs:
// introspection through sqlite_master and PRAGMAs, column types of an
// empty table, AutoMigrate's table rebuild with foreign keys off, nested
// transactions by SAVEPOINT, batch inserts by RETURNING and by
// LastInsertId, upserts, and the errors it translates.
func TestDiffGORM(t *testing.T) {
	t.Parallel()
	same(t, "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)", func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
		mustExec(t, db, "CREATE TABLE `companies` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` text NOT NULL)")
		mustExec(t, db, "CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`name` text,`age` integer,`birthday` datetime,`company_id` integer,`active` numeric DEFAULT true,`score` real,`price` decimal(10,2),`code` varchar(32) UNIQUE,`data` blob,CONSTRAINT `fk_users_company` FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`))")
		mustExec(t, db, "CREATE INDEX `idx_users_deleted_at` ON `users`(`deleted_at`)")

		var n int
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = ? AND name = ?", "table", "users").Scan(&n)
		log("HasTable: %d %s", n, class(err))
		err = db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = ? AND tbl_name = ? AND name = ?", "index", "users", "idx_users_deleted_at").Scan(&n)
		log("HasIndex: %d %s", n, class(err))
		var ddl string
		err = db.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = ? AND tbl_name = ? AND name = ?", "table", "users", "users").Scan(&ddl)
		log("DDL: %d %s", len(ddl), class(err))
		out = append(out, columnTypes(db.QueryContext(ctx, "SELECT * FROM `users` LIMIT 1"))...)
		out = append(out, scanAll(db.QueryContext(ctx, "PRAGMA table_info(`users`)"))...)
		out = append(out, scanAll(db.QueryContext(ctx, "PRAGMA index_list(`users`)"))...)
		out = append(out, scanAll(db.QueryContext(ctx, "PRAGMA index_info(`sqlite_autoindex_users_1`)"))...)
		var seq int
		var name, file string
		err = db.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &file)
		log("CurrentDatabase: %d %s %v %s", seq, name, file != "", class(err))

		// Create with RETURNING, in a transaction with nested
		// SAVEPOINTs as gorm names them.
		now := time.Date(2024, 5, 6, 7, 8, 9, 123000000, time.Local)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var cid int64
		err = tx.QueryRowContext(ctx, "INSERT INTO `companies` (`name`) VALUES (?) RETURNING `id`", "acme").Scan(&cid)
		log("company: %d %s", cid, class(err))
		mustExec(t, tx, "SAVEPOINT sp0x14000")
		rows, err := tx.QueryContext(ctx, "INSERT INTO `users` (`created_at`,`updated_at`,`deleted_at`,`name`,`age`,`birthday`,`company_id`,`active`,`score`,`price`,`code`,`data`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?,?,?,?,?) RETURNING `id`,`active`",
			now, now, nil, "jinzhu", 18, nil, cid, true, 1.5, "10.25", "c1", []byte{1},
			now, now, nil, "jinzhu2", uint(20), now, nil, false, nil, 3, "c2", nil)
		out = append(out, scanAll(rows, err)...)
		mustExec(t, tx, "SAVEPOINT sp0x14001")
		_, err = tx.ExecContext(ctx, "INSERT INTO `users` (`name`,`code`) VALUES (?,?)", "dup", "c1")
		log("duplicate: %s, gormlite ErrDuplicatedKey %v", class(err), errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) || errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY))
		mustExec(t, tx, "ROLLBACK TO SAVEPOINT sp0x14001")
		_, err = tx.ExecContext(ctx, "INSERT INTO `users` (`name`,`company_id`) VALUES (?,?)", "orphan", 999)
		var serr *sqlite3.Error
		log("foreign key: %s %v", class(err), errors.As(err, &serr) && serr.ExtendedCode() == sqlite3.CONSTRAINT_FOREIGNKEY)
		mustExec(t, tx, "ROLLBACK TO SAVEPOINT sp0x14000")
		mustExec(t, tx, "RELEASE SAVEPOINT sp0x14000")
		log("commit: %s", class(tx.Commit()))
		log("users after rollback to the first savepoint: %d", count(t, db, "users"))

		// Batch insert the old way: LastInsertId is the last row, the
		// ids are counted back from it.
		r, err := db.ExecContext(ctx, "INSERT INTO `users` (`name`,`age`,`code`) VALUES (?,?,?),(?,?,?),(?,?,?)", "a", 1, "a", "b", 2, "b", "c", 3, "c")
		log("batch: %s", execResult(r, err))
		r, err = db.ExecContext(ctx, "INSERT INTO `users` (`name`,`code`) VALUES (?,?) ON CONFLICT (`code`) DO UPDATE SET `name`=`excluded`.`name`", "b2", "b")
		log("upsert update: %s", execResult(r, err))
		r, err = db.ExecContext(ctx, "INSERT INTO `users` (`name`,`code`) VALUES (?,?) ON CONFLICT DO NOTHING", "b3", "b")
		log("upsert nothing: %s", execResult(r, err))
		r, err = db.ExecContext(ctx, "UPDATE `users` SET `deleted_at`=? WHERE `users`.`id` IN (?,?) AND `users`.`deleted_at` IS NULL", now, 1, 2)
		log("soft delete: %s", execResult(r, err))
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT `id`,`name`,`deleted_at`,`active`,`price`,`score`,`data` FROM `users` ORDER BY `id`"))...)

		// AutoMigrate: a column whose type changes, by the 12-step
		// rebuild with foreign keys off (on a sql.Conn: the PRAGMA is
		// per connection).
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var fk int
		err = c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		log("foreign_keys: %d %s", fk, class(err))
		mustExec2(t, c, "PRAGMA foreign_keys = OFF")
		ctx2 := context.Background()
		ctx2, cancel := context.WithTimeout(ctx2, 5*time.Second)
		defer cancel()
		ctx = ctx2
		tx, err = c.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "CREATE TABLE `users__temp` (`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`name` text,`age` bigint,`birthday` datetime,`company_id` integer,`active` numeric DEFAULT true,`score` real,`price` decimal(10,2),`code` varchar(32) UNIQUE,`data` blob,CONSTRAINT `fk_users_company` FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`))")
		mustExec(t, tx, "INSERT INTO `users__temp`(`id`,`created_at`,`updated_at`,`deleted_at`,`name`,`age`,`birthday`,`company_id`,`active`,`score`,`price`,`code`,`data`) SELECT `id`,`created_at`,`updated_at`,`deleted_at`,`name`,`age`,`birthday`,`company_id`,`active`,`score`,`price`,`code`,`data` FROM `users`")
		mustExec(t, tx, "DROP TABLE `users`")
		mustExec(t, tx, "ALTER TABLE `users__temp` RENAME TO `users`")
		mustExec(t, tx, "CREATE INDEX `idx_users_deleted_at` ON `users`(`deleted_at`)")
		out = append(out, scanAll(tx.QueryContext(ctx, "PRAGMA foreign_key_check"))...)
		log("migrate commit: %s", class(tx.Commit()))
		mustExec2(t, c, "PRAGMA foreign_keys = ON")
		c.Close()
		out = append(out, columnTypes(db.QueryContext(ctx, "SELECT * FROM `users` LIMIT 1"))...)
		mustExec(t, db, "ALTER TABLE `users` ADD `nickname` text DEFAULT 'x'")
		mustExec(t, db, "ALTER TABLE `users` RENAME COLUMN `nickname` TO `nick`")
		mustExec(t, db, "ALTER TABLE `users` DROP COLUMN `nick`")
		mustExec(t, db, "DROP INDEX IF EXISTS `idx_users_deleted_at`")
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT `id`,`name`,`age`,`code` FROM `users` WHERE `users`.`deleted_at` IS NULL ORDER BY `id` LIMIT 10 OFFSET 1"))...)
		// Preload: an IN list of the ids of the first query.
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT * FROM `companies` WHERE `companies`.`id` IN (?,?,?)", 1, int64(2), uint8(3)))...)
		// Count, Pluck, and a raw query with named arguments.
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT count(*) FROM `users` WHERE name LIKE @pat OR code = @code", sql.Named("pat", "jin%"), sql.Named("code", "c")))...)
		return out
	})
}

func mustExec2(t *testing.T, c *sql.Conn, q string) {
	t.Helper()
	if _, err := c.ExecContext(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// What migration tools run: goose's version table and its read of the
// versions, golang-migrate's schema_migrations (a "bool" column and
// a "uint64" one) and its Drop (every table, then VACUUM), sqlx's
// scans by column name with duplicate names and aliases.
func TestDiffMigrationTools(t *testing.T) {
	t.Parallel()
	same(t, "", func(t *testing.T, db *sql.DB) []string {
		ctx := context.Background()
		var out []string
		log := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

		// goose
		mustExec(t, db, "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')))")
		mustExec(t, db, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", 0, true)
		for _, v := range []int64{20240101000000, 20240202000000} {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, tx, fmt.Sprintf("CREATE TABLE t%d (id INTEGER PRIMARY KEY, note TEXT);\n-- +goose StatementEnd\nINSERT INTO t%d (note) VALUES ('x');", v, v))
			mustExec(t, tx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", v, true)
			log("goose commit %d: %s", v, class(tx.Commit()))
		}
		rows, err := db.QueryContext(ctx, "SELECT version_id, is_applied FROM goose_db_version ORDER BY id DESC")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v int64
			var applied bool
			err := rows.Scan(&v, &applied)
			log("goose version %d %v %s", v, applied, class(err))
		}
		rows.Close()
		var ts time.Time
		err = db.QueryRowContext(ctx, "SELECT tstamp FROM goose_db_version WHERE version_id = ? ORDER BY id DESC LIMIT 1", 20240202000000).Scan(&ts)
		log("tstamp: %v %s", time.Since(ts) < time.Hour, class(err))

		// golang-migrate
		mustExec(t, db, "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool); CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);")
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, tx, "DELETE FROM schema_migrations")
		mustExec(t, tx, "INSERT INTO schema_migrations (version, dirty) VALUES (?, ?)", 3, false)
		log("migrate SetVersion: %s", class(tx.Commit()))
		var version int64
		var dirty bool
		err = db.QueryRowContext(ctx, "SELECT version, dirty FROM schema_migrations LIMIT 1").Scan(&version, &dirty)
		log("migrate Version: %d %v %s", version, dirty, class(err))
		out = append(out, scanAll(db.QueryContext(ctx, "SELECT version, dirty FROM schema_migrations"))...)
		out = append(out, columnTypes(db.QueryContext(ctx, "SELECT version, dirty FROM schema_migrations"))...)

		// sqlx: columns by name, an alias with a dot, the same name twice.
		mustExec(t, db, "CREATE TABLE person (id INTEGER PRIMARY KEY, first_name TEXT, email TEXT, added_at DATETIME); CREATE TABLE place (id INTEGER PRIMARY KEY, person_id INTEGER, city TEXT)")
		mustExec(t, db, "INSERT INTO person (first_name, email, added_at) VALUES (?, ?, ?)", "Jason", "j@x", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
		mustExec(t, db, "INSERT INTO place (person_id, city) VALUES (1, 'Oslo')")
		out = append(out, scanAll(db.QueryContext(ctx, `SELECT person.*, place.id, place.city AS "place.city" FROM person JOIN place ON place.person_id = person.id`))...)
		out = append(out, columnTypes(db.QueryContext(ctx, `SELECT person.*, place.id, place.city AS "place.city", 1 AS one, NULL AS nothing FROM person JOIN place ON place.person_id = person.id`))...)

		// golang-migrate's Drop.
		rows, err = db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table';")
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var name string
			rows.Scan(&name)
			tables = append(tables, name)
		}
		rows.Close()
		for _, tb := range tables {
			if strings.HasPrefix(tb, "sqlite_") {
				continue
			}
			_, err := db.ExecContext(ctx, "DROP TABLE "+tb)
			log("drop %s: %s", tb, class(err))
		}
		_, err = db.ExecContext(ctx, "VACUUM")
		log("vacuum: %s", class(err))
		return out
	})
}
