package pragma

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// field ties a PRAGMA to its Config field: how to read a DSN value into
// the field, how to write the field as a DSN value, and whether the field
// holds a setting at all.
type field struct {
	// parse stores value (already lower-cased for enumerations) in c.
	parse func(c *Config, value string) error
	// format returns the PRAGMA argument for c's field, and false when
	// the field is not set (for a field without clear: when it holds its
	// zero value).
	format func(c *Config) (string, bool)
	// clear sets the field to its zero value; nil for fields whose zero
	// value is itself a setting (booleans, busy_timeout).
	clear func(c *Config)
}

var fields = map[string]field{
	"busy_timeout": {
		parse: func(c *Config, v string) error {
			ms, err := strconv.ParseInt(v, 10, 64)
			if err != nil || ms < 0 || ms > math.MaxInt32 {
				return invalid("busy_timeout", v, "%q is not a number of milliseconds from 0 to %d", v, math.MaxInt32)
			}
			c.BusyTimeout = time.Duration(ms) * time.Millisecond
			return nil
		},
		format: func(c *Config) (string, bool) {
			return strconv.FormatInt(c.BusyTimeout.Milliseconds(), 10), true
		},
	},
	"journal_mode": enum("journal_mode", func(c *Config) *JournalMode { return &c.JournalMode },
		nil, JournalDelete, JournalTruncate, JournalPersist, JournalMemory, JournalWAL, JournalOff),
	"synchronous": enum("synchronous", func(c *Config) *Synchronous { return &c.Synchronous },
		[]string{"0", "1", "2", "3"}, SyncOff, SyncNormal, SyncFull, SyncExtra),
	"temp_store": enum("temp_store", func(c *Config) *TempStore { return &c.TempStore },
		[]string{"0", "1", "2"}, TempDefault, TempFile, TempMemory),
	"locking_mode": enum("locking_mode", func(c *Config) *LockingMode { return &c.LockingMode },
		nil, LockingNormal, LockingExclusive),
	"secure_delete": enum("secure_delete", func(c *Config) *SecureDelete { return &c.SecureDelete },
		[]string{"0", "1", "2"}, SecureDeleteOff, SecureDeleteOn, SecureDeleteFast),
	"auto_vacuum": enum("auto_vacuum", func(c *Config) *AutoVacuum { return &c.AutoVacuum },
		[]string{"0", "1", "2"}, AutoVacuumNone, AutoVacuumFull, AutoVacuumIncremental),
	"foreign_keys": boolean("foreign_keys", func(c *Config) *bool { return &c.ForeignKeys }),
	"query_only":   boolean("query_only", func(c *Config) *bool { return &c.QueryOnly }),
	"cache_size": {
		parse: func(c *Config, v string) error {
			// SQLite reads the value as a 32-bit int, and sets 0 for
			// anything larger.
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n == 0 {
				return invalid("cache_size", v, "%q is not a number of pages (1 to %d) or of KiB (-1 to %d)", v, math.MaxInt32, math.MinInt32)
			}
			c.CacheSize = CacheSize(n)
			return nil
		},
		format: func(c *Config) (string, bool) {
			return strconv.FormatInt(int64(c.CacheSize), 10), c.CacheSize != 0
		},
		clear: func(c *Config) { c.CacheSize = 0 },
	},
	"mmap_size": integer("mmap_size", func(c *Config) *int64 { return &c.MmapSize }, 0, math.MaxInt64),
	"journal_size_limit": {
		parse: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return invalid("journal_size_limit", v, "%q is not a number of bytes", v)
			}
			if n == 0 {
				return invalid("journal_size_limit", v, "0 (truncate after every transaction) is not supported: use a small positive limit in bytes, or -1 for none")
			}
			c.JournalSizeLimit = n
			return nil
		},
		format: func(c *Config) (string, bool) {
			return strconv.FormatInt(c.JournalSizeLimit, 10), c.JournalSizeLimit != 0
		},
		clear: func(c *Config) { c.JournalSizeLimit = 0 },
	},
	"wal_autocheckpoint": {
		parse: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return invalid("wal_autocheckpoint", v, "%q is not a number of pages", v)
			}
			if n == 0 {
				n = -1 // SQLite: zero or negative disables; -1 is how Config says it
			}
			c.WALAutocheckpoint = int(n)
			return nil
		},
		format: func(c *Config) (string, bool) {
			return strconv.Itoa(c.WALAutocheckpoint), c.WALAutocheckpoint != 0
		},
		clear: func(c *Config) { c.WALAutocheckpoint = 0 },
	},
	"page_size": {
		parse: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || !validPageSize(int(n)) {
				return invalid("page_size", v, "%q is not a power of two from 512 to 65536", v)
			}
			c.PageSize = int(n)
			return nil
		},
		format: func(c *Config) (string, bool) {
			return strconv.Itoa(c.PageSize), c.PageSize != 0
		},
		clear: func(c *Config) { c.PageSize = 0 },
	},
}

func validPageSize(n int) bool {
	return n >= 512 && n <= 65536 && n&(n-1) == 0
}

// enum is the field of an enumerated PRAGMA. numbers, if not nil, are
// SQLite's numeric spellings of the values, in the same order.
func enum[T ~string](name string, ptr func(*Config) *T, numbers []string, values ...T) field {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return field{
		parse: func(c *Config, v string) error {
			lower := strings.ToLower(v)
			for i, n := range names {
				if lower == n || numbers != nil && v == numbers[i] {
					*ptr(c) = values[i]
					return nil
				}
			}
			return notOneOf(name, v, names...)
		},
		format: func(c *Config) (string, bool) {
			return string(*ptr(c)), *ptr(c) != ""
		},
		clear: func(c *Config) { *ptr(c) = "" },
	}
}

func boolean(name string, ptr func(*Config) *bool) field {
	return field{
		parse: func(c *Config, v string) error {
			b, ok := parseBool(v)
			if !ok {
				return notBool(name, v)
			}
			*ptr(c) = b
			return nil
		},
		format: func(c *Config) (string, bool) {
			if *ptr(c) {
				return "1", true
			}
			return "0", false
		},
	}
}

func notBool(name, v string) error {
	return invalid(name, v, "%q is not a boolean (1, 0, on, off, true, false, yes, no)", v)
}

func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "1", "on", "true", "yes":
		return true, true
	case "0", "off", "false", "no":
		return false, true
	}
	return false, false
}

func integer(name string, ptr func(*Config) *int64, lo, hi int64) field {
	return field{
		parse: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < lo || n > hi {
				return invalid(name, v, "%q is not a whole number from %d to %d", v, lo, hi)
			}
			*ptr(c) = n
			return nil
		},
		format: func(c *Config) (string, bool) {
			return strconv.FormatInt(*ptr(c), 10), *ptr(c) != 0
		},
		clear: func(c *Config) { *ptr(c) = 0 },
	}
}
