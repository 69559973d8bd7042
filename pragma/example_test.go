package pragma_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqlitekit/sqlitekit/pragma"
)

func ExampleDefault() {
	cfg := pragma.Default()
	cfg.Path = "app.db"
	cfg.BusyTimeout = 30 * time.Second
	cfg.Synchronous = pragma.SyncFull
	fmt.Println(cfg)
	// Output:
	// file:app.db?_txlock=immediate&_pragma=busy_timeout(30000)&_pragma=journal_mode(wal)&_pragma=synchronous(full)&_pragma=foreign_keys(1)&_pragma=cache_size(-20000)&_pragma=temp_store(memory)&_pragma=journal_size_limit(67108864)
}

func ExampleParse() {
	// A DSN written for mattn/go-sqlite3 keeps working.
	cfg, err := pragma.Parse("app.db?_busy_timeout=5000&_fk=false")
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.Path, cfg.BusyTimeout, cfg.ForeignKeys, cfg.JournalMode)
	// Output:
	// app.db 5s false wal
}

func ExampleParse_dialects() {
	// mattn's _loc and modernc's _time_format mean what they mean there.
	cfg, err := pragma.Parse("file:app.db?_loc=auto&_mutex=no&_time_format=sqlite")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %q\n", cfg.TimeLocation, cfg.TimeFormat)

	// A parameter sqlitekit does not support says what to use instead.
	_, err = pragma.Parse("app.db?_time_integer_format=unix")
	fmt.Println(err)
	fmt.Println(errors.Is(err, pragma.ErrUnsupportedParameter))
	// Output:
	// auto "2006-01-02 15:04:05.999999999-07:00"
	// pragma: _time_integer_format: not supported: use _timefmt=unixepoch (unix), unixepoch_milli, unixepoch_micro or unixepoch_nano
	// true
}

func ExampleParse_misspelled() {
	_, err := pragma.Parse("file:app.db?_pragma=journal_mod(wal)")
	fmt.Println(err)
	fmt.Println(errors.Is(err, pragma.ErrUnknownPragma))

	_, err = pragma.Parse("file:app.db?_pragma=journal_mode(sideways)")
	fmt.Println(err)
	// Output:
	// pragma: journal_mod: unknown pragma; did you mean journal_mode?
	// true
	// pragma: journal_mode: "sideways" is not one of delete, truncate, persist, memory, wal, off
}
