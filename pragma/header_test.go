package pragma_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/pragma"
)

// A PRAGMA that writes the database file's header (user_version,
// schema_version, application_id) is refused with a value: run on every
// new connection, it undoes what was written since (driver.Migrate's
// version among it), and schema_version can corrupt the database. Without
// a value it only reads, and is kept.
func TestParse_headerWritesRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ dsn, name, says string }{
		{"file:a.db?_pragma=user_version(3)", "user_version", "driver.Migrate"},
		{"file:a.db?_pragma=user_version=3", "user_version", "driver.Migrate"},
		{"file:a.db?_pragma=USER_VERSION(0)", "user_version", "driver.Migrate"},
		{"file:a.db?_pragma=schema_version(9)", "schema_version", "corrupt"},
		{"file:a.db?_pragma=application_id(42)", "application_id", "once"},
	} {
		_, err := pragma.Parse(tt.dsn)
		var pe *pragma.Error
		if !errors.As(err, &pe) || !errors.Is(err, pragma.ErrInvalidValue) || pe.Name != tt.name ||
			!strings.Contains(err.Error(), tt.says) {
			t.Errorf("Parse(%q) = %v, want an ErrInvalidValue naming %s and saying %q", tt.dsn, err, tt.name, tt.says)
		}
	}
	for _, name := range []string{"user_version", "schema_version", "application_id"} {
		c := pragma.Default()
		c.Path = "a.db"
		c.Extra = []pragma.Pragma{{Name: name, Value: "1"}}
		if err := c.Validate(); !errors.Is(err, pragma.ErrInvalidValue) {
			t.Errorf("Validate() with Extra %s(1) = %v, want ErrInvalidValue", name, err)
		}
		c.Extra = []pragma.Pragma{{Name: name}}
		if err := c.Validate(); err != nil {
			t.Errorf("Validate() with Extra %s (a read) = %v, want nil", name, err)
		}
	}
}
