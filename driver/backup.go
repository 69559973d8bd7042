package driver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// dbArg names the *sql.DB argument of the helpers in their errors.
const dbArg = "database (*sql.DB)"

// backupStep is how many pages [Backup] copies between two progress
// calls and two looks at its context (400 KiB of 4 KiB pages).
const backupStep = 100

// Backup copies db's main database to the file destPath with SQLite's
// online backup API, page by page, while other connections keep reading
// and writing.
//
// The copy is the database as it was when Backup began: Backup holds a
// read transaction on its connection for the whole copy, so it is never
// restarted by writers and always consistent. In WAL mode writers are not
// blocked, but the WAL cannot be checkpointed past that snapshot until
// Backup returns.
//
// destPath is a file name, taken as it is: a "file:" URI (whose
// parameters the engine would act on, _pragma ones included), ":memory:"
// and an empty name are refused, and so is the database itself or one of
// its -wal, -shm and -journal files, however spelled. An existing
// database there is replaced. The copy keeps the source's page size and journal mode.
//
// progress, if not nil, is called after each step of up to 100 pages
// with the pages copied so far and the total; the last call has done ==
// total. When ctx is done, Backup stops between two steps and returns an
// error matching ctx.Err(). A copy to a new file is written beside it
// under a temporary name, synced, and renamed into place when it is
// whole, so a failed or cancelled copy leaves no file behind, and never
// removes one that another copy to the same name wrote; an existing file
// is written in place, and left as the failure leaves it.
//
// https://sqlite.org/backup.html
func Backup(ctx context.Context, db *sql.DB, destPath string, progress func(done, total int)) error {
	if err := errors.Join(ctxarg.Check(ctx), ctxarg.NotNil(dbArg, db), fileName(destPath)); err != nil {
		return fmt.Errorf("sqlitekit: backup: %w", err)
	}
	err := withRaw(ctx, db, func(c *sqlite3.Conn) error {
		if err := notTheSource(c, destPath); err != nil {
			return err
		}
		if err := beginRead(c); err != nil {
			return err
		}
		defer endRead(c)
		return intoFile(destPath, true, func(path string) error {
			return backupTo(ctx, c, path, progress)
		})
	})
	if err != nil {
		return fmt.Errorf("sqlitekit: backup to %s: %w", destPath, err)
	}
	return nil
}

// backupTo copies c's main database to the file path, as [Backup] says.
func backupTo(ctx context.Context, c *sqlite3.Conn, path string, progress func(done, total int)) error {
	b, err := c.BackupInit("main", path)
	if err != nil {
		return err
	}
	defer b.Close()
	for {
		done, err := b.Step(backupStep)
		if err != nil {
			return err
		}
		if progress != nil {
			total := b.PageCount()
			progress(total-b.Remaining(), total)
		}
		if done {
			return b.Close()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// beginRead starts a read transaction on c, unless one is open.
func beginRead(c *sqlite3.Conn) error {
	if !c.GetAutocommit() {
		return errors.New("a transaction is already open on the connection")
	}
	// BEGIN alone takes no lock; reading the schema takes the snapshot.
	if err := c.Exec("BEGIN DEFERRED; SELECT count(*) FROM sqlite_schema"); err != nil {
		if !c.GetAutocommit() {
			endRead(c)
		}
		return err
	}
	return nil
}

// endRead ends the transaction beginRead began, even if the connection's
// context is done.
func endRead(c *sqlite3.Conn) {
	old := c.SetInterrupt(context.Background())
	defer c.SetInterrupt(old)
	_ = c.Exec("ROLLBACK")
}

// VacuumInto writes a compacted copy of db's main database to the file
// path with VACUUM INTO: no free pages, tables and indexes stored in
// order. The copy is a consistent snapshot, taken on one connection while
// others keep writing. It is slower than [Backup] for a large database,
// but the copy is smaller if many rows were deleted.
//
// path is a file name, as for [Backup]; it must not name an existing
// file that is not empty. Cancelling ctx interrupts the copy. The copy is
// written beside path and renamed into place as [Backup] does for a new
// file, also over an empty file there (or the empty file a symbolic
// link at path names; the link stays): VACUUM INTO writes without a
// journal, so a copy cut short (an error, a crash, a kill) written at path
// itself would stay there, a partial database a later open would take
// for a copy and a later VacuumInto would refuse to replace. VACUUM INTO
// does not sync what it writes either; VacuumInto syncs the copy before
// renaming it, and the directory after, so a copy it returned survives a
// power loss. A failed copy leaves no file behind, and never removes one
// it did not write.
//
// https://sqlite.org/lang_vacuum.html#vacuuminto
func VacuumInto(ctx context.Context, db *sql.DB, path string) error {
	if err := errors.Join(ctxarg.Check(ctx), ctxarg.NotNil(dbArg, db), fileName(path)); err != nil {
		return fmt.Errorf("sqlitekit: vacuum into: %w", err)
	}
	err := withRaw(ctx, db, func(c *sqlite3.Conn) error {
		if err := notTheSource(c, path); err != nil {
			return err
		}
		return intoFile(path, false, func(path string) error {
			s, _, err := c.Prepare("VACUUM INTO ?")
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.BindText(1, path); err != nil {
				return err
			}
			return s.Exec()
		})
	})
	if err != nil {
		return fmt.Errorf("sqlitekit: vacuum into %s: %w", path, err)
	}
	return nil
}

// fileName checks that path, the destination of a copy, is the name of a
// file: not empty (SQLite would copy to a temporary database and throw
// it away), not ":memory:", not a "file:" URI (SQLite would read its
// parameters, and ncruces run its _pragma ones on the new connection),
// and without a NUL byte (where SQLite's name would end).
func fileName(path string) error {
	switch {
	case path == "":
		return errors.New("the destination is empty, want a file name")
	case path == ":memory:":
		return errors.New(`the destination is ":memory:", want a file name`)
	case len(path) >= 5 && strings.EqualFold(path[:5], "file:"):
		return fmt.Errorf("the destination %q is a URI, want a file name", truncate(path))
	case strings.IndexByte(path, 0) >= 0:
		return fmt.Errorf("the destination %q has a NUL byte", truncate(path))
	}
	if err := checkPathLen(path, true); err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		return checkPathLen(real, true) // SQLite opens the file the link names
	}
	return nil
}

// notTheSource refuses dest if it names the main database of c or one of
// its -wal, -shm and -journal files, by any spelling or symbolic link:
// the copy would be no copy, or would be written where SQLite resets
// its log.
func notTheSource(c *sqlite3.Conn, dest string) error {
	src := c.Filename("main").String()
	if src == "" { // an in-memory or temporary database has no file
		return nil
	}
	d := resolvePath(dest)
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		p := src + suffix
		if d == resolvePath(p) || sameFile(dest, p) {
			what := "main file"
			if suffix != "" {
				what = suffix + " file"
			}
			return fmt.Errorf("the destination is the database itself (its %s, %s)", what, p)
		}
	}
	return nil
}

// resolvePath returns path made absolute, its directory's symbolic links
// resolved.
func resolvePath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// sameFile reports whether a and b both exist and are one file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// intoFile runs copy, which writes a database to the file it is given,
// for the destination dest. If dest exists, and inPlace is set (copy
// journals its writes, so a copy cut short leaves the file as it was) or
// the file is not empty (VACUUM INTO refuses it), copy writes it in
// place, and it is left as copy leaves it. Otherwise copy writes a new
// file beside dest (beside the file a symbolic link dest names, which
// stays a link) that this call alone created (a unique name, made with
// O_EXCL); once copy succeeds the file is synced (VACUUM INTO does not
// sync what it writes) and renamed to dest, and the directory synced; if
// copy fails the file is removed: a failed copy never removes a file it
// did not create, such as the one another copy to the same new name has
// just written.
func intoFile(dest string, inPlace bool, copy func(path string) error) error {
	if !inPlace {
		if real, err := filepath.EvalSymlinks(dest); err == nil {
			dest = real
		}
	}
	if fi, err := os.Lstat(dest); !errors.Is(err, os.ErrNotExist) {
		if inPlace || err != nil || !fi.Mode().IsRegular() || fi.Size() > 0 {
			return copy(dest)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(dest), tempPrefix(filepath.Base(dest))+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := errors.Join(f.Close(), checkPathLen(tmp, true)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("the copy's temporary file: %w", err)
	}
	if err := errors.Join(copy(tmp), syncPath(tmp)); err != nil {
		for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.Remove(tmp)
		return err
	}
	if runtime.GOOS == "windows" { // a directory cannot be opened to sync it
		return nil
	}
	return syncPath(filepath.Dir(dest))
}

// syncPath flushes the file or directory at path to stable storage.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// maxTempPrefix bounds the part of a copy's temporary file name taken
// from its destination's: with the random part and ".tmp" (up to 15
// bytes), and SQLite's "-journal" beside it, the names stay within the
// 255 bytes file systems allow, whatever the destination's length.
const maxTempPrefix = 255 - len(".4294967295.tmp") - len("-journal")

// tempPrefix returns base, cut to maxTempPrefix bytes (whole characters).
func tempPrefix(base string) string {
	if len(base) <= maxTempPrefix {
		return base
	}
	n := maxTempPrefix
	for n > 0 && !utf8.RuneStart(base[n]) {
		n--
	}
	return base[:n]
}
