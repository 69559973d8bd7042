package writeq

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// presenceByte is the byte of the database file on which every sqlitekit
// process that has the database open holds a shared lock: the one past
// SQLite's own lock bytes (PENDING, RESERVED and the 510 SHARED bytes
// from 0x40000000). SQLite never reads or writes there because of it: a
// lock is only advice.
const presenceByte = 0x40000000 + 2 + 510

// Linux's open file description locks (fcntl.h): owned by the open file,
// not the process, so that no other close in this process drops them.
const (
	fOFDGetlk = 36
	fOFDSetlk = 37
)

// neighbours tells whether another process has a database open.
type neighbours struct {
	f        *os.File // the database file, holding the presence lock
	shm      string   // the WAL index, whose header changes at every commit
	dev, ino uint64
}

// openNeighbours opens the database file at path and takes the presence
// lock. It returns nil where it cannot: a database no other process can
// be seen on is treated as one no other process has open.
func openNeighbours(path string) *neighbours {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	lk := syscall.Flock_t{Type: syscall.F_RDLCK, Whence: 0, Start: presenceByte, Len: 1}
	var st syscall.Stat_t
	if syscall.FcntlFlock(f.Fd(), fOFDSetlk, &lk) != nil || syscall.Fstat(int(f.Fd()), &st) != nil {
		f.Close()
		return nil
	}
	return &neighbours{f: f, shm: path + "-shm", dev: st.Dev, ino: st.Ino}
}

func (n *neighbours) close() {
	if n != nil {
		n.f.Close()
	}
}

// present reports whether another process has the database open: one
// that holds a POSIX lock on it (C SQLite, in WAL mode, holds one for as
// long as it has the database open: the sqlite3 CLI, mattn, modernc,
// Litestream), or another sqlitekit process (its presence lock). A
// program of plain ncruces/go-sqlite3 leaves no sign it can be told by.
func (n *neighbours) present() bool {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: presenceByte, Len: 1}
	if syscall.FcntlFlock(n.f.Fd(), fOFDGetlk, &lk) == nil && lk.Type != syscall.F_UNLCK {
		return true // another sqlitekit process
	}
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		return false
	}
	// "1: POSIX  ADVISORY  READ 27666 fe:00:10199172 1073741826 1073742335",
	// and "1: -> POSIX ..." for a process blocked on a lock.
	file := []byte(fmt.Sprintf(" %02x:%02x:%d ", major(n.dev), minor(n.dev), n.ino))
	self := os.Getpid()
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, file) {
			continue
		}
		f := bytes.Fields(line)
		if i := bytes.Index(line, []byte("->")); i >= 0 {
			f = bytes.Fields(line[i+2:])
			f = append([][]byte{nil}, f...)
		}
		if len(f) < 5 || string(f[1]) == "OFDLCK" {
			continue
		}
		if pid, err := strconv.Atoi(string(f[4])); err == nil && pid != self {
			return true
		}
	}
	return false
}

// stamp returns the header of the WAL index, which changes at every
// commit, of any process.
func (n *neighbours) stamp() [48]byte {
	var h [48]byte
	if f, err := os.Open(n.shm); err == nil {
		f.ReadAt(h[:], 0)
		f.Close()
	}
	return h
}

func major(dev uint64) uint64 { return (dev>>8)&0xfff | (dev>>32)&^0xfff }
func minor(dev uint64) uint64 { return dev&0xff | (dev>>12)&^0xff }
