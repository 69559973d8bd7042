//go:build unix

package replica

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockDB takes the lock that says a Litestream of this package replicates
// the database at db, for any process: an exclusive flock of
// sqlitekit.lock in the directory .NAME-litestream beside the database
// file (the one Litestream keeps there), its path's symbolic links
// resolved. Every litestream replicate is given the file, so the lock is
// held while this process or one of its litestreams lives (one that
// outlived a killed program, where the system cannot kill it with the
// program).
func lockDB(db string) (*os.File, error) {
	// Beside the file itself, whatever the path's symbolic links: two
	// spellings of one database take one lock.
	if real, err := filepath.EvalSymlinks(db); err == nil {
		db = real
	}
	dir := lockDir(db)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	path := filepath.Join(dir, "sqlitekit.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid, _ := io.ReadAll(io.LimitReader(f, 32))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("replica: %w: %s: another process replicates it: it holds the lock %s (the program of pid %s, or a litestream it started that outlived it: stop that first)",
				ErrAlreadyReplicated, db, path, strings.TrimSpace(string(pid)))
		}
		return nil, fmt.Errorf("replica: lock %s: %w", path, err)
	}
	if err := errors.Join(f.Truncate(0), writeAt(f, strconv.Itoa(os.Getpid())+"\n")); err != nil {
		f.Close()
		return nil, fmt.Errorf("replica: %w", err)
	}
	return f, nil
}

func writeAt(f *os.File, s string) error {
	_, err := f.WriteAt([]byte(s), 0)
	return err
}

// lockDir is the directory of the lock of the database at db.
func lockDir(db string) string {
	return filepath.Join(filepath.Dir(db), "."+filepath.Base(db)+"-litestream")
}

// lockHeld returns an error wrapping ErrAlreadyReplicated if a replica,
// of this process or another, holds the lock of the database at db
// (absolute), as spelled or with its symbolic links resolved.
func lockHeld(db string) error {
	paths := []string{db}
	if real, err := filepath.EvalSymlinks(db); err == nil && real != db {
		paths = append(paths, real)
	}
	for _, p := range paths {
		path := filepath.Join(lockDir(p), "sqlitekit.lock")
		f, err := os.Open(path)
		if err != nil {
			continue // no lock file: no replica of this package ever ran there
		}
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			f.Close()
			continue
		}
		pid, _ := io.ReadAll(io.LimitReader(f, 32))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("%w: %s: a replica runs for it: it holds the lock %s (pid %s)", ErrAlreadyReplicated, db, path, strings.TrimSpace(string(pid)))
		}
		return fmt.Errorf("lock %s: %w", path, err)
	}
	return nil
}
