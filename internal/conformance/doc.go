// Package conformance holds no code: its tests run the sqlitekit driver
// through database/sql the way code written for the drivers users come
// from does (ncruces/go-sqlite3 v0.37.0, mattn/go-sqlite3 v1.14.53,
// modernc.org/sqlite v1.62.0, and the ORMs and storage layers built on
// them), against real files.
//
// Where the three drivers agree, sqlitekit does the same, and the tests
// say so. Where they differ, a test asserts what sqlitekit does and its
// comment names which peers do the same and which do otherwise, so that
// each difference is a decision on record, not an accident.
//
// The tests named TestDiff... are differential: they run the same code
// against plain ncruces/go-sqlite3 (its "sqlite3" driver, in the same
// process) and against sqlitekit, each on a new file, and compare what
// each saw (values and their Go types, errors as errors.Is and errors.As
// match them, results, rows), the way a program written for ncruces
// meets sqlitekit when it changes the import and the driver name. A
// difference kept by design is asserted as such, with its reason, and
// is said in the driver's package docs.
package conformance
