package pragma_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sqlitekit/sqlitekit/pragma"
)

// TestParse_texttotime: modernc's _texttotime=1 also turns date-shaped
// text from expressions (max(ts) over '2024-01-01 00:00:00+00:00') into
// times; sqlitekit does that only for text exactly in RFC 3339 as it
// writes times. The refusal said columns always read as time.Time, which
// left the difference to be found when a Scan failed; it says what
// sqlitekit does (issue 15).
func TestParse_texttotime(t *testing.T) {
	t.Parallel()
	_, err := pragma.Parse("file:a.db?_texttotime=1")
	if !errors.Is(err, pragma.ErrUnsupportedParameter) {
		t.Fatalf("Parse: %v, want ErrUnsupportedParameter", err)
	}
	for _, says := range []string{"DATETIME", "expression", "RFC 3339", "string"} {
		if !strings.Contains(err.Error(), says) {
			t.Errorf("Parse: %v; want it to say %q", err, says)
		}
	}
}
