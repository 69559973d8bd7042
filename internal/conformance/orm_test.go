package conformance_test

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// The statements an ORM runs for a model with soft delete (gorm's shape:
// backquoted names, datetime columns, numeric booleans, uint keys,
// INSERT ... RETURNING, SAVEPOINTs in a transaction), and a migration
// tool's version table (goose's shape: a TIMESTAMP defaulting to
// datetime('now')), read back the way they read them.
func TestORMShapes(t *testing.T) {
	t.Parallel()
	db := open(t)
	ctx := context.Background()
	mustExec(t, db, "CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT, `created_at` datetime, `updated_at` datetime, `deleted_at` datetime, `name` text, `active` numeric, `age` integer, `manager_id` integer REFERENCES `users`(`id`))")
	mustExec(t, db, "CREATE INDEX `idx_users_deleted_at` ON `users`(`deleted_at`)")
	var exists int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = ? AND name = ?", "table", "users").Scan(&exists); err != nil || exists != 1 {
		t.Fatalf("HasTable: %d, %v", exists, err)
	}

	now := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var id uint
	if err := tx.QueryRow("INSERT INTO `users` (`created_at`,`updated_at`,`deleted_at`,`name`,`active`,`age`,`manager_id`) VALUES (?,?,?,?,?,?,?) RETURNING `id`",
		now, now, nil, "jinzhu", true, uint(18), nil).Scan(&id); err != nil {
		t.Fatal(err)
	}
	mustExec(t, tx, "SAVEPOINT sp0x1")
	if _, err := tx.Exec("INSERT INTO `users` (`name`,`manager_id`) VALUES (?,?)", "orphan", 999); err == nil {
		t.Error("a row referencing no manager was inserted")
	}
	mustExec(t, tx, "ROLLBACK TO SAVEPOINT sp0x1")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	type user struct {
		ID                   uint
		CreatedAt, UpdatedAt time.Time
		DeletedAt            sql.NullTime
		Name                 string
		Active               bool
		Age                  uint
		ManagerID            *uint
	}
	var u user
	err = db.QueryRow("SELECT * FROM `users` WHERE `users`.`id` = ? AND `users`.`deleted_at` IS NULL ORDER BY `users`.`id` LIMIT 1", id).
		Scan(&u.ID, &u.CreatedAt, &u.UpdatedAt, &u.DeletedAt, &u.Name, &u.Active, &u.Age, &u.ManagerID)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != id || !u.CreatedAt.Equal(now) || !u.UpdatedAt.Equal(now) || u.DeletedAt.Valid || u.Name != "jinzhu" || !u.Active || u.Age != 18 || u.ManagerID != nil {
		t.Errorf("read back %+v", u)
	}

	later := now.Add(time.Second)
	if r := mustExec(t, db, "UPDATE `users` SET `deleted_at`=? WHERE `users`.`id` = ? AND `users`.`deleted_at` IS NULL", later, id); resultOf(t, r).N != 1 {
		t.Errorf("soft delete: %+v", resultOf(t, r))
	}
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM `users` WHERE `users`.`deleted_at` IS NULL").Scan(&n); err != nil || n != 0 {
		t.Errorf("after soft delete: %d, %v", n, err)
	}
	var deleted sql.NullTime
	if err := db.QueryRow("SELECT `deleted_at` FROM `users` WHERE `id` = ?", id).Scan(&deleted); err != nil || !deleted.Time.Equal(later) {
		t.Errorf("deleted_at: %v, %v", deleted, err)
	}

	mustExec(t, db, `CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')))`)
	mustExec(t, db, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", int64(20240101), true)
	var tstamp time.Time
	var applied bool
	if err := db.QueryRow("SELECT tstamp, is_applied FROM goose_db_version WHERE version_id = ? ORDER BY tstamp DESC LIMIT 1", 20240101).Scan(&tstamp, &applied); err != nil || !applied || time.Since(tstamp) > time.Minute {
		t.Errorf("migration version: %v %v %v", tstamp, applied, err)
	}
}

// Full-text search as storage layers use it: FTS5 with the query as an
// argument, ranking and snippets.
func TestFullTextSearch(t *testing.T) {
	t.Parallel()
	db := open(t)
	mustExec(t, db, "CREATE VIRTUAL TABLE f USING fts5(title, body)")
	mustExec(t, db, "INSERT INTO f VALUES (?, ?), (?, ?)", "hello world", "the body", "other", "hello there")
	var ids string
	if err := db.QueryRow("SELECT group_concat(rowid) FROM (SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid)", "hello").Scan(&ids); err != nil || ids != "1,2" {
		t.Errorf("MATCH: %q, %v", ids, err)
	}
	var snippet string
	if err := db.QueryRow("SELECT snippet(f, 1, '[', ']', '…', 5) FROM f WHERE f MATCH ? ORDER BY rank", "body:hello").Scan(&snippet); err != nil || snippet != "[hello] there" {
		t.Errorf("snippet: %q, %v", snippet, err)
	}
}
