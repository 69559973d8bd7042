package vfs

import (
	"errors"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/util/vfsutil"
	"github.com/ncruces/go-sqlite3/vfs"

	"github.com/sqlitekit/sqlitekit/internal/dbid"
	"github.com/sqlitekit/sqlitekit/internal/iostat"
)

// Name is the name of the VFS this package registers: the OS VFS of
// ncruces/go-sqlite3, counted. Open a database with it with the URI
// parameter vfs=sqlitekit; package driver does so by default.
const Name = "sqlitekit"

func init() {
	os := vfs.Find("os")
	if os == nil {
		panic("sqlitekit/vfs: the os VFS is not registered")
	}
	vfs.Register(Name, &countingVFS{os: os})
}

// countingVFS wraps the OS VFS. Files keep the OS VFS's locks (OFD byte
// range locks, which conflict correctly with the POSIX locks of C SQLite)
// and its WAL shared memory: the wrapper only counts.
type countingVFS struct {
	os vfs.VFS
}

var _ vfs.VFSFilename = (*countingVFS)(nil)

func (v *countingVFS) Open(name string, flags vfs.OpenFlag) (vfs.File, vfs.OpenFlag, error) {
	// The OS VFS refuses plain Open for named files; only temporary
	// files, which have no name, come this way.
	f, flags, err := vfsutil.WrapOpen(v.os, name, flags)
	if err != nil {
		return nil, flags, err
	}
	return wrap(f, flags, nil), flags, nil
}

func (v *countingVFS) OpenFilename(name *vfs.Filename, flags vfs.OpenFlag) (vfs.File, vfs.OpenFlag, error) {
	f, flags, err := vfsutil.WrapOpenFilename(v.os, name, flags)
	if err != nil {
		return nil, flags, err
	}
	return wrap(f, flags, name), flags, nil
}

func (v *countingVFS) Delete(name string, syncDir bool) error { return v.os.Delete(name, syncDir) }

func (v *countingVFS) Access(name string, flags vfs.AccessFlag) (bool, error) {
	return v.os.Access(name, flags)
}

func (v *countingVFS) FullPathname(name string) (string, error) { return v.os.FullPathname(name) }

// wrap counts the calls on f into the counters of its database, which
// the file holds until it closes; temporary files that belong to no
// database file are counted together.
func wrap(f vfs.File, flags vfs.OpenFlag, name *vfs.Filename) *file {
	w := &file{File: f, db: &iostat.Temp}
	if name != nil {
		// Every file of a database (main, WAL, journal) is named after
		// the database file, which exists once the main file is open.
		if path := name.Database(); path != "" {
			if id, err := dbid.Of(path); err == nil {
				w.db, w.id, w.held = iostat.Hold(id, path), id, true
			}
		}
	}
	w.c = &w.db.Kinds[kindOf(flags)]
	return w
}

// file counts the calls to a file of the OS VFS and forwards them, with
// every optional interface the OS file implements.
type file struct {
	vfs.File
	c    *iostat.File
	db   *iostat.DB
	id   dbid.ID
	held bool // f holds a reference to db
}

func (f *file) Close() error {
	err := f.File.Close()
	if f.held {
		f.held = false
		iostat.DBs.Release(f.id)
	}
	return err
}

var (
	_ vfs.FileUnwrap             = (*file)(nil)
	_ vfs.FileLockState          = (*file)(nil)
	_ vfs.FilePersistWAL         = (*file)(nil)
	_ vfs.FilePowersafeOverwrite = (*file)(nil)
	_ vfs.FileChunkSize          = (*file)(nil)
	_ vfs.FileSizeHint           = (*file)(nil)
	_ vfs.FileHasMoved           = (*file)(nil)
	_ vfs.FileOverwrite          = (*file)(nil)
	_ vfs.FileSync               = (*file)(nil)
	_ vfs.FileCommitPhaseTwo     = (*file)(nil)
	_ vfs.FileBatchAtomicWrite   = (*file)(nil)
	_ vfs.FileCheckpoint         = (*file)(nil)
	_ vfs.FilePragma             = (*file)(nil)
	_ vfs.FileBusyHandler        = (*file)(nil)
	_ vfs.FileSharedMemory       = (*file)(nil)
	_ vfs.FileMemoryMapper       = (*file)(nil)
)

func (f *file) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.File.ReadAt(p, off)
	f.c.Reads.Add(1)
	f.c.BytesRead.Add(uint64(n))
	return n, err
}

func (f *file) WriteAt(p []byte, off int64) (int, error) {
	if err := f.db.Hit(opWrite); err != nil {
		// A short write: half the bytes reach the file.
		n, _ := f.File.WriteAt(p[:len(p)/2], off)
		return n, err
	}
	n, err := f.File.WriteAt(p, off)
	f.c.Writes.Add(1)
	f.c.BytesWritten.Add(uint64(n))
	return n, err
}

func (f *file) Truncate(size int64) error {
	if err := f.db.Hit(opTruncate); err != nil {
		return err
	}
	f.c.Truncates.Add(1)
	return f.File.Truncate(size)
}

func (f *file) Sync(flags vfs.SyncFlag) error {
	if err := f.db.Hit(opSync); err != nil {
		return err
	}
	f.c.Syncs.Add(1)
	return f.File.Sync(flags)
}

func (f *file) Lock(lock vfs.LockLevel) error {
	if err := f.db.Hit(opLock); err != nil {
		return err
	}
	err := f.File.Lock(lock)
	switch {
	case err == nil:
		f.c.Locks.Add(1)
	case errors.Is(err, sqlite3.BUSY):
		f.c.Busy.Add(1)
	}
	return err
}

func (f *file) Unwrap() vfs.File             { return f.File }
func (f *file) LockState() vfs.LockLevel     { return vfsutil.WrapLockState(f.File) }
func (f *file) PersistWAL() bool             { return vfsutil.WrapPersistWAL(f.File) }
func (f *file) SetPersistWAL(keep bool)      { vfsutil.WrapSetPersistWAL(f.File, keep) }
func (f *file) PowersafeOverwrite() bool     { return vfsutil.WrapPowersafeOverwrite(f.File) }
func (f *file) SetPowersafeOverwrite(b bool) { vfsutil.WrapSetPowersafeOverwrite(f.File, b) }
func (f *file) ChunkSize(size int)           { vfsutil.WrapChunkSize(f.File, size) }
func (f *file) SizeHint(size int64) error    { return vfsutil.WrapSizeHint(f.File, size) }
func (f *file) HasMoved() (bool, error)      { return vfsutil.WrapHasMoved(f.File) }
func (f *file) Overwrite() error             { return vfsutil.WrapOverwrite(f.File) }
func (f *file) SyncSuper(super string) error {
	return vfsutil.WrapSyncSuper(f.File, super)
}
func (f *file) CommitPhaseTwo() error      { return vfsutil.WrapCommitPhaseTwo(f.File) }
func (f *file) BeginAtomicWrite() error    { return vfsutil.WrapBeginAtomicWrite(f.File) }
func (f *file) CommitAtomicWrite() error   { return vfsutil.WrapCommitAtomicWrite(f.File) }
func (f *file) RollbackAtomicWrite() error { return vfsutil.WrapRollbackAtomicWrite(f.File) }
func (f *file) CheckpointStart()           { vfsutil.WrapCheckpointStart(f.File) }
func (f *file) CheckpointDone()            { vfsutil.WrapCheckpointDone(f.File) }
func (f *file) Pragma(name, value string) (string, error) {
	return vfsutil.WrapPragma(f.File, name, value)
}
func (f *file) BusyHandler(handler func() bool) { vfsutil.WrapBusyHandler(f.File, handler) }
func (f *file) SharedMemory() vfs.SharedMemory  { return vfsutil.WrapSharedMemory(f.File) }
func (f *file) MemoryMapper() vfs.MemoryMapper  { return vfsutil.WrapMemoryMapper(f.File) }

// SetDB passes the connection to the OS file, which uses it to wait for
// locks (SQLite's setlk timeout).
func (f *file) SetDB(db any) {
	if f, ok := f.File.(interface{ SetDB(any) }); ok {
		f.SetDB(db)
	}
}
