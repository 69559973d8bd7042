package vector_test

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// compatStep is one statement of a translated sqlite-vec test and what
// sqlite-vec's snapshot records for it: the rows, rendered as render
// does and joined by newlines, or, when err is set, an error whose
// message contains err.
type compatStep struct {
	sql  string
	args []any
	rows string
	err  string
}

// runCompat runs steps in order on a fresh in-memory database.
func runCompat(t *testing.T, steps []compatStep) {
	t.Helper()
	c := openConn(t)
	for _, s := range steps {
		rows, err := tryQuery(c, s.sql, s.args...)
		if s.err != "" {
			if err == nil || !strings.Contains(err.Error(), s.err) {
				t.Errorf("%s %v: got rows %v, error %v; want an error with %q", s.sql, s.args, rows, err, s.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %v: %v", s.sql, s.args, err)
			continue
		}
		got := make([]string, len(rows))
		for i, r := range rows {
			got[i] = render(r)
		}
		if g := strings.Join(got, "\n"); g != s.rows {
			t.Errorf("%s %v:\n got %q\nwant %q", s.sql, s.args, g, s.rows)
		}
	}
}

// f32Blob is v as a float32 BLOB, sqlite-vec's compact format.
func f32Blob(v ...float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func float32NaN() float32      { return float32(math.NaN()) }
func float32Inf(s int) float32 { return float32(math.Inf(s)) }
