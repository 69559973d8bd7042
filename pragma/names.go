package pragma

import (
	"slices"
	"strings"
)

// engine is every PRAGMA the SQLite engine of ncruces/go-sqlite3 v0.37.0
// (SQLite 3.54.1) lists in PRAGMA pragma_list. A test in package driver
// checks it against the real engine.
var engine = []string{
	"analysis_limit", "application_id", "auto_vacuum", "automatic_index",
	"busy_timeout", "cache_size", "cache_spill", "case_sensitive_like",
	"cell_size_check", "checkpoint_fullfsync", "collation_list",
	"compile_options", "count_changes", "data_version", "database_list",
	"defer_foreign_keys", "empty_result_callbacks", "encoding",
	"foreign_key_check", "foreign_key_list", "foreign_keys",
	"freelist_count", "full_column_names", "fullfsync", "function_list",
	"hard_heap_limit", "ignore_check_constraints", "incremental_vacuum",
	"index_info", "index_list", "index_xinfo", "integrity_check",
	"journal_mode", "journal_size_limit", "legacy_alter_table",
	"locking_mode", "max_page_count", "mmap_size", "module_list", "optimize",
	"page_count", "page_size", "pragma_list", "query_only", "quick_check",
	"read_uncommitted", "recursive_triggers", "reverse_unordered_selects",
	"schema_version", "secure_delete", "short_column_names", "shrink_memory",
	"soft_heap_limit", "synchronous", "table_info", "table_list",
	"table_xinfo", "temp_store", "temp_store_directory", "threads",
	"trusted_schema", "user_version", "wal_autocheckpoint", "wal_checkpoint",
	"writable_schema",
}

// vfsPragmas are handled by a VFS rather than by the engine, so
// pragma_list does not show them: the encryption keys of ncruces'
// adiantum and xts VFSes. They run first.
var vfsPragmas = []string{"hexkey", "key", "textkey"}

// Known reports whether name is a PRAGMA that SQLite (or one of ncruces'
// VFSes) knows. Names are case-insensitive.
//
// https://sqlite.org/pragma.html#toc
func Known(name string) bool {
	name = strings.ToLower(name)
	_, found := slices.BinarySearch(engine, name)
	return found || slices.Contains(vfsPragmas, name)
}

// Names returns every name [Known] accepts, sorted.
func Names() []string {
	names := append(slices.Clip(engine), vfsPragmas...)
	slices.Sort(names)
	return names
}

// typed lists the PRAGMAs that have a field of their own in Config,
// in the order they run: the busy timeout first, so that the others wait
// for locks; the locking mode, page size and auto-vacuum before the
// journal mode, since they cannot change once a database is in WAL mode;
// query_only last.
var typed = []string{
	"busy_timeout", "locking_mode", "page_size", "auto_vacuum",
	"journal_mode", "synchronous", "foreign_keys", "cache_size",
	"temp_store", "mmap_size", "journal_size_limit", "wal_autocheckpoint",
	"secure_delete", "query_only",
}
