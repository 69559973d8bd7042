package vector_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// ref holds float64 reference implementations of the distance functions.
var ref = map[string]func(a, b []float32) float64{
	"cosine_similarity": func(a, b []float32) float64 {
		var d, aa, bb float64
		for i := range a {
			x, y := float64(a[i]), float64(b[i])
			d, aa, bb = d+x*y, aa+x*x, bb+y*y
		}
		return d / math.Sqrt(aa*bb)
	},
	"vec_distance_cosine": func(a, b []float32) float64 {
		var d, aa, bb float64
		for i := range a {
			x, y := float64(a[i]), float64(b[i])
			d, aa, bb = d+x*y, aa+x*x, bb+y*y
		}
		return 1 - d/math.Sqrt(aa*bb)
	},
	"vec_distance_l2": func(a, b []float32) float64 {
		var s float64
		for i := range a {
			t := float64(a[i]) - float64(b[i])
			s += t * t
		}
		return math.Sqrt(s)
	},
	"vec_distance_l1": func(a, b []float32) float64 {
		var s float64
		for i := range a {
			s += math.Abs(float64(a[i]) - float64(b[i]))
		}
		return s
	},
	"vec_dot": func(a, b []float32) float64 {
		var s float64
		for i := range a {
			s += float64(a[i]) * float64(b[i])
		}
		return s
	},
}

// goFunc maps SQL functions to their Go twins.
var goFunc = map[string]func(a, b []float32) (float64, error){
	"cosine_similarity":   vector.CosineSimilarity,
	"vec_distance_cosine": vector.CosineDistance,
	"vec_distance_l2":     vector.L2Distance,
	"vec_distance_l1":     vector.L1Distance,
	"vec_dot":             vector.Dot,
}

// close reports whether got is within 1e-4 of want, relative to the size of
// the terms (float32 sums of up to 1000 terms carry ~1e-6 relative error).
func closeTo(got, want, scale float64) bool {
	return math.Abs(got-want) <= 1e-4*max(1, scale)
}

// TestFunctions_reference checks every distance function, in SQL with BLOB
// and JSON arguments and in Go, against a float64 reference on random
// vectors of 1 to 1000 dimensions.
func TestFunctions_reference(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	r := rand.New(rand.NewPCG(3, 4))
	dims := []int{1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 100, 384, 768, 1000}
	for range 10 {
		dims = append(dims, 1+r.IntN(1000))
	}
	for _, n := range dims {
		a, b := randVec(r, n), randVec(r, n)
		// Scale is the sum of |terms|, the size float32 rounding is relative to.
		scale := float64(n)
		aj, bj := string(vector.AppendJSON(nil, a)), string(vector.AppendJSON(nil, b))
		ab, bb := vector.Encode(a), vector.Encode(b)
		for name, f := range ref {
			want := f(a, b)
			q := fmt.Sprintf("SELECT %s(?, ?)", name)
			var first any
			for i, args := range [][]any{{ab, bb}, {aj, bj}, {aj, bb}, {ab, bj}} {
				got, err := eval(c, q, args...)
				if err != nil {
					t.Fatalf("%s dims=%d: %v", name, n, err)
				}
				if !closeTo(got.(float64), want, scale) {
					t.Errorf("%s dims=%d form %d: got %v, want %v", name, n, i, got, want)
				}
				if i == 0 {
					first = got
				} else if got != first {
					t.Errorf("%s dims=%d: form %d gives %v, BLOB form %v", name, n, i, got, first)
				}
			}
			// A literal BLOB is not cached: the other code path.
			got, err := eval(c, fmt.Sprintf("SELECT %s(X'%X', ?)", name, ab), bb)
			if err != nil || !closeTo(got.(float64), want, scale) {
				t.Errorf("%s dims=%d literal: got %v, %v, want %v", name, n, got, err, want)
			}
			g, err := goFunc[name](a, b)
			if err != nil || !closeTo(g, want, scale) {
				t.Errorf("Go %s dims=%d: got %v, %v, want %v", name, n, g, err, want)
			}
		}
	}
}

// TestFunctions_knownBytes pins the BLOB encoding to sqlite-vec's: the
// expected values are the ones its documentation gives.
func TestFunctions_knownBytes(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	tests := []struct{ query, want string }{
		{`SELECT hex(vec_f32('[.1, .2, .3, 4]'))`, "CDCCCC3DCDCC4C3E9A99993E00008040"},
		{`SELECT hex(vec_f32(X'AABBCCDD'))`, "AABBCCDD"},
		{`SELECT hex(vec_int8('[1, 2, 3, 4]'))`, "01020304"},
		{`SELECT hex(vec_add('[.1, .2, .3]', '[.4, .5, .6]'))`, "0000003F3333333F6766663F"},
		{`SELECT hex(vec_sub('[.1, .2, .3]', '[.4, .5, .6]'))`, "9A9999BE9A9999BE9A9999BE"},
		// sqlite-vec divides in float32 and documents ...8B370C3F... for the
		// second element; this is the correctly rounded 3/sqrt(30).
		{`SELECT hex(vec_normalize('[2, 3, 1, -4]'))`, "BAF4BA3E8C370C3FBAF43A3EBAF43ABF"},
		{`SELECT hex(vec_slice('[1, 2,3, 4]', 0, 2))`, "0000803F00000040"},
		{`SELECT hex(vec_quantize_binary('[1, 2, 3, 4, 5, 6, 7, 8]'))`, "FF"},
		{`SELECT hex(vec_quantize_binary('[1, 2, 3, 4, -5, -6, -7, -8]'))`, "0F"},
		{`SELECT hex(vec_quantize_binary('[-1, -2, -3, -4, -5, -6, -7, -8]'))`, "00"},
		{`SELECT vec_to_json(vec_f32('[.1, .2, .3, 4]'))`, "[0.1,0.2,0.3,4]"},
		{`SELECT vec_to_json(vec_int8(X'AABBCCDD'))`, "[-86,-69,-52,-35]"},
		{`SELECT vec_to_json(vec_bit(X'F0'))`, "[0,0,0,0,1,1,1,1]"},
		{`SELECT vec_to_json(vec_slice(vec_bit(X'F00F'), 8, 16))`, "[1,1,1,1,0,0,0,0]"},
		{`SELECT vec_to_json(vec_quantize_int8('[-1, -0.5, 0, 0.5, 1, 2]', 'UNIT'))`, "[-128,-64,0,63,126,127]"},
		{`SELECT vec_to_json(vec_add(vec_int8('[1, 2, 3]'), vec_int8('[4, 5, 6]')))`, "[5,7,9]"},
		{`SELECT vec_to_json(vec_sub(vec_int8('[1, 2, 3]'), vec_int8('[4, 5, 6]')))`, "[-3,-3,-3]"},
		{`SELECT vec_to_json(vec_slice(vec_int8('[1, 2, 3]'), 1, 3))`, "[2,3]"},
		{`SELECT vec_type('[.1, .2]') || vec_type(vec_int8(X'AABB')) || vec_type(vec_bit(X'AA'))`, "float32int8bit"},
		{`SELECT json_array(vec_to_json('[1, 2]'))`, "[[1,2]]"},
	}
	for _, tt := range tests {
		got, err := eval(c, tt.query)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %v, %v, want %s", tt.query, got, err, tt.want)
		}
	}
	want := []byte{0xCD, 0xCC, 0xCC, 0x3D, 0xCD, 0xCC, 0x4C, 0x3E, 0x9A, 0x99, 0x99, 0x3E, 0x00, 0x00, 0x80, 0x40}
	v := []float32{.1, .2, .3, 4}
	if diff := cmp.Diff(want, vector.Encode(v)); diff != "" {
		t.Errorf("Encode (-want +got):\n%s", diff)
	}
	got, err := vector.Decode(want)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v, got); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

// TestFunctions_values checks results that are not vectors.
func TestFunctions_values(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	tests := []struct {
		query string
		want  any
	}{
		{`SELECT vec_length('[.1, .2]')`, int64(2)},
		{`SELECT vec_length(X'AABBCCDD')`, int64(1)},
		{`SELECT vec_length(vec_int8(X'AABBCCDD'))`, int64(4)},
		{`SELECT vec_length(vec_bit(X'AABBCCDD'))`, int64(32)},
		{`SELECT vec_distance_cosine('[1, 1]', '[-2, -2]')`, 2.0},
		{`SELECT vec_distance_cosine('[1, 1]', '[2, 2]')`, 0.0},
		{`SELECT cosine_similarity('[1, 0]', '[0, 3]')`, 0.0},
		{`SELECT vec_distance_l2('[1, 1]', '[-2, -2]')`, math.Sqrt(18)},
		{`SELECT vec_distance_l2(vec_int8('[1, 1]'), vec_int8('[-2, -2]'))`, math.Sqrt(18)},
		{`SELECT vec_distance_l1(vec_int8('[1, 1]'), vec_int8('[-2, -3]'))`, int64(7)},
		{`SELECT vec_distance_l1('[1, 1]', '[-2, -3]')`, 7.0},
		{`SELECT vec_dot(vec_int8('[1, 2]'), vec_int8('[3, -4]'))`, int64(-5)},
		{`SELECT vec_dot('[1, 2]', '[3, -4]')`, -5.0},
		{`SELECT vec_distance_cosine(vec_int8('[1, 0]'), vec_int8('[0, 5]'))`, 1.0},
		{`SELECT vec_distance_hamming(vec_bit(X'00'), vec_bit(X'FF'))`, 8.0},
		{`SELECT vec_distance_hamming(vec_bit(X'F0'), vec_bit(X'44'))`, 4.0},
		{`SELECT vec_distance_hamming(vec_bit(X'0102030405060708090A'), vec_bit(X'FFFEFDFCFBFAF9F8F7F6'))`, 62.0},
		// Overflow in float32 sums falls back to float64.
		{`SELECT vec_distance_l2('[3e38, -3e38]', '[-3e38, 3e38]')`, 2 * math.Sqrt(2) * float64(float32(3e38))},
		{`SELECT cosine_similarity('[1e30, 1e30]', '[2e30, 2e30]')`, 1.0},
		{`SELECT cosine_similarity('[1e-30, 0]', '[1e-30, 0]')`, 1.0},
		{`SELECT vec_dot('[3e38, 3e38]', '[3e38, 3e38]')`, 2 * float64(float32(3e38)) * float64(float32(3e38))},
	}
	for _, tt := range tests {
		got, err := eval(c, tt.query)
		if err != nil {
			t.Errorf("%s: %v", tt.query, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.query, diff)
		}
	}
}

// TestFunctions_null checks that NULL in gives NULL out.
func TestFunctions_null(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	for _, q := range []string{
		`SELECT cosine_similarity(NULL, '[1]')`,
		`SELECT vec_distance_cosine('[1]', NULL)`,
		`SELECT vec_distance_l2(NULL, NULL)`,
		`SELECT vec_distance_l1(NULL, '[1]')`,
		`SELECT vec_distance_hamming(NULL, vec_bit(X'01'))`,
		`SELECT vec_dot('[1]', NULL)`,
		`SELECT vec_f32(NULL)`,
		`SELECT vec_int8(NULL)`,
		`SELECT vec_bit(NULL)`,
		`SELECT vec_to_json(NULL)`,
		`SELECT vec_length(NULL)`,
		`SELECT vec_type(NULL)`,
		`SELECT vec_normalize(NULL)`,
		`SELECT vec_add(NULL, '[1]')`,
		`SELECT vec_sub('[1]', NULL)`,
		`SELECT vec_slice(NULL, 0, 1)`,
		`SELECT vec_slice('[1, 2]', NULL, 1)`,
		`SELECT vec_slice('[1, 2]', 0, NULL)`,
		`SELECT vec_quantize_binary(NULL)`,
		`SELECT vec_quantize_int8(NULL, 'unit')`,
		`SELECT vec_quantize_int8('[1]', NULL)`,
	} {
		got, err := eval(c, q)
		if err != nil || got != nil {
			t.Errorf("%s: got %v, %v, want NULL", q, got, err)
		}
	}
}

// TestFunctions_errors asserts every error by its message.
func TestFunctions_errors(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	tests := []struct {
		query string
		args  []any
		want  string
	}{
		{`SELECT vec_distance_cosine('[1, 1]', '[2, 2, 3]')`, nil,
			"vector: vec_distance_cosine: dimension mismatch: first vector has 2 dimensions, second has 3"},
		{`SELECT vec_distance_l2(?, ?)`, []any{vector.Encode([]float32{1}), vector.Encode([]float32{1, 2})},
			"vector: vec_distance_l2: dimension mismatch: first vector has 1 dimensions, second has 2"},
		{`SELECT vec_f32(X'AABBCC')`, nil,
			"vector: vec_f32: argument 1: malformed vector: BLOB length 3 is not a multiple of 4"},
		{`SELECT vec_distance_cosine('[1]', X'AABBCCDDEE')`, nil,
			"vector: vec_distance_cosine: argument 2: malformed vector: BLOB length 5 is not a multiple of 4"},
		{`SELECT vec_f32(X'')`, nil, "vector: vec_f32: argument 1: malformed vector: empty BLOB"},
		{`SELECT vec_f32('')`, nil, "vector: vec_f32: argument 1: malformed vector: empty text"},
		{`SELECT vec_f32('[]')`, nil, "vector: vec_f32: argument 1: malformed vector: empty array"},
		{`SELECT vec_f32('  ')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON ends at offset 2: expected '['"},
		{`SELECT vec_f32('{1}')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON at offset 0 ('{'): expected '['"},
		{`SELECT vec_f32('[1, 2,, 3]')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON at offset 6 (','): expected a number"},
		{`SELECT vec_f32('[1 2]')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON at offset 3 ('2'): expected ',' or ']'"},
		{`SELECT vec_f32('[1, 2')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON ends at offset 5: expected ',' or ']'"},
		{`SELECT vec_f32('[1] x')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON at offset 4 ('x'): unexpected text after ']'"},
		{`SELECT vec_f32('[NaN]')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON at offset 1 ('N'): expected a number"},
		{`SELECT vec_f32('[1, "2"]')`, nil, "vector: vec_f32: argument 1: malformed vector: JSON at offset 4 ('\"'): expected a number"},
		{`SELECT vec_f32('[1, 1e39]')`, nil, "vector: vec_f32: argument 1: non-finite value: element 1 (1e39, at offset 4) is out of float32 range"},
		{`SELECT vec_f32(X'0000C07F')`, nil, "vector: vec_f32: argument 1: non-finite value: element 0 is NaN"},
		{`SELECT vec_f32(X'000000000000807F')`, nil, "vector: vec_f32: argument 1: non-finite value: element 1 is +Inf"},
		{`SELECT vec_length(X'000080FF')`, nil, "vector: vec_length: argument 1: non-finite value: element 0 is -Inf"},
		{`SELECT vec_distance_cosine('[1, 2]', X'000000000000C07F')`, nil, "vector: vec_distance_cosine: argument 2: non-finite value: element 1 is NaN"},
		{`SELECT vec_distance_l2(X'0000807F00000000', '[1, 2]')`, nil, "vector: vec_distance_l2: argument 1: non-finite value: element 0 is +Inf"},
		{`SELECT vec_distance_l1(X'0000807F', '[1]')`, nil, "vector: vec_distance_l1: argument 1: non-finite value: element 0 is +Inf"},
		{`SELECT vec_dot(?, '[1]')`, []any{vector.Encode([]float32{float32(math.NaN())})}, "vector: vec_dot: argument 1: non-finite value: element 0 is NaN"},
		{`SELECT vec_distance_cosine('[0, 0]', '[2, 2]')`, nil, "vector: vec_distance_cosine: argument 1 is a zero vector: cosine is undefined"},
		{`SELECT cosine_similarity('[1, 2]', ?)`, []any{"[0, 0]"}, "vector: cosine_similarity: argument 2 is a zero vector: cosine is undefined"},
		{`SELECT cosine_similarity(vec_int8('[0]'), vec_int8('[1]'))`, nil, "vector: cosine_similarity: argument 1 is a zero vector: cosine is undefined"},
		{`SELECT vec_normalize('[0, 0]')`, nil, "vector: vec_normalize: argument 1 is a zero vector: it cannot be normalized"},
		{`SELECT vec_f32(3)`, nil, "vector: vec_f32: argument 1: malformed vector: expected a BLOB or JSON text, got INTEGER"},
		{`SELECT vec_distance_l2('[1]', 1.5)`, nil, "vector: vec_distance_l2: argument 2: malformed vector: expected a BLOB or JSON text, got FLOAT"},
		{`SELECT vec_distance_l2('[1]', vec_int8('[1]'))`, nil, "vector: vec_distance_l2: type mismatch: first vector is float32, second is int8"},
		{`SELECT vec_distance_cosine(vec_bit(X'01'), vec_bit(X'01'))`, nil, "vector: vec_distance_cosine: cannot compute the cosine of bit vectors; use vec_distance_hamming"},
		{`SELECT vec_distance_l2(vec_bit(X'01'), vec_bit(X'01'))`, nil, "vector: vec_distance_l2: cannot compute the L2 distance of bit vectors; use vec_distance_hamming"},
		{`SELECT vec_distance_l1(vec_bit(X'01'), vec_bit(X'01'))`, nil, "vector: vec_distance_l1: cannot compute the L1 distance of bit vectors; use vec_distance_hamming"},
		{`SELECT vec_dot(vec_bit(X'01'), vec_bit(X'01'))`, nil, "vector: vec_dot: cannot compute the dot product of bit vectors"},
		{`SELECT vec_distance_hamming('[1, 2]', '[1, 2]')`, nil, "vector: vec_distance_hamming: cannot compute the Hamming distance of float32 vectors; use vec_bit or vec_quantize_binary"},
		{`SELECT vec_distance_hamming(vec_bit(X'01'), vec_bit(X'0102'))`, nil, "vector: vec_distance_hamming: dimension mismatch: first vector has 8 dimensions, second has 16"},
		{`SELECT vec_int8('[1, 128]')`, nil, "vector: vec_int8: argument 1: malformed vector: element 1 (128) is not an integer in [-128, 127]"},
		{`SELECT vec_int8('[1.5]')`, nil, "vector: vec_int8: argument 1: malformed vector: element 0 (1.5) is not an integer in [-128, 127]"},
		{`SELECT vec_int8(X'')`, nil, "vector: vec_int8: argument 1: malformed vector: empty BLOB"},
		{`SELECT vec_bit('[1]')`, nil, "vector: vec_bit: argument 1: malformed vector: a bit vector must be a BLOB"},
		{`SELECT vec_bit(1)`, nil, "vector: vec_bit: argument 1: malformed vector: expected a BLOB or JSON text, got INTEGER"},
		{`SELECT vec_f32(vec_int8('[1]'))`, nil, "vector: vec_f32: argument 1: expected a float32 vector, got int8"},
		{`SELECT vec_normalize(vec_int8('[1]'))`, nil, "vector: vec_normalize: argument 1: only float32 vectors can be normalized, got int8"},
		{`SELECT vec_add('[3e38]', '[3e38]')`, nil, "vector: vec_add: element 0 overflows float32 (3e+38 +3e+38)"},
		{`SELECT vec_sub(vec_int8('[-100]'), vec_int8('[100]'))`, nil, "vector: vec_sub: element 0 overflows int8 (-100 -100)"},
		{`SELECT vec_add(vec_bit(X'01'), vec_bit(X'01'))`, nil, "vector: vec_add: cannot add or subtract bit vectors"},
		{`SELECT vec_add('[1]', X'0000C07F')`, nil, "vector: vec_add: argument 2: non-finite value: element 0 is NaN"},
		{`SELECT vec_slice('[1, 2]', -1, 1)`, nil, "vector: vec_slice: start -1 is negative"},
		{`SELECT vec_slice('[1, 2]', 0, 3)`, nil, "vector: vec_slice: end 3 is beyond the 2 dimensions of the vector"},
		{`SELECT vec_slice('[1, 2]', 1, 1)`, nil, "vector: vec_slice: start 1 is not before end 1: vectors must have at least one element"},
		{`SELECT vec_slice(vec_bit(X'FFFF'), 4, 16)`, nil, "vector: vec_slice: start 4 and end 16 must be multiples of 8 for a bit vector"},
		{`SELECT vec_quantize_binary('[1, 2, 3]')`, nil, "vector: vec_quantize_binary: binary quantization needs a length divisible by 8, got 3"},
		{`SELECT vec_quantize_binary(vec_bit(X'FF'))`, nil, "vector: vec_quantize_binary: argument 1 is already a bit vector"},
		{`SELECT vec_quantize_int8('[1]', 'binary')`, nil, "vector: vec_quantize_int8: argument 2 must be 'unit'"},
		{`SELECT vec_quantize_int8(vec_int8('[1]'), 'unit')`, nil, "vector: vec_quantize_int8: argument 1: only float32 vectors can be quantized to int8, got int8"},
	}
	for _, tt := range tests {
		_, err := eval(c, tt.query, tt.args...)
		if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.query, err, tt.want)
		}
	}
}

// TestFunctions_cachedQuery rebinds the query vector of one prepared
// statement: the decoded argument SQLite keeps must follow the binding.
func TestFunctions_cachedQuery(t *testing.T) {
	t.Parallel()
	c := openConn(t)
	r := rand.New(rand.NewPCG(5, 6))
	if err := c.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, e BLOB)`); err != nil {
		t.Fatal(err)
	}
	ins, _, err := c.Prepare(`INSERT INTO t(e) VALUES (?)`)
	if err != nil {
		t.Fatal(err)
	}
	var vecs [][]float32
	for range 50 {
		v := randVec(r, 24)
		vecs = append(vecs, v)
		ins.BindBlob(1, vector.Encode(v))
		if err := ins.Exec(); err != nil {
			t.Fatal(err)
		}
	}
	ins.Close()
	stmt, _, err := c.Prepare(`SELECT id, vec_distance_cosine(e, ?) FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	for i := range 6 {
		q := randVec(r, 24)
		if i%2 == 0 {
			stmt.BindBlob(1, vector.Encode(q))
		} else {
			stmt.BindText(1, string(vector.AppendJSON(nil, q)))
		}
		for stmt.Step() {
			id := stmt.ColumnInt(0)
			want := ref["vec_distance_cosine"](vecs[id-1], q)
			if got := stmt.ColumnFloat(1); !closeTo(got, want, 1) {
				t.Fatalf("query %d row %d: got %v, want %v", i, id, got, want)
			}
		}
		if err := stmt.Reset(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFunctions_allocs checks that a scan allocates nothing per row.
func TestFunctions_allocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector; the plain test run checks them")
	}
	c := openConn(t)
	r := rand.New(rand.NewPCG(7, 8))
	if err := c.Exec(`CREATE TABLE t(e BLOB)`); err != nil {
		t.Fatal(err)
	}
	ins, _, err := c.Prepare(`INSERT INTO t(e) VALUES (?)`)
	if err != nil {
		t.Fatal(err)
	}
	for range 2000 {
		ins.BindBlob(1, vector.Encode(randVec(r, 16)))
		if err := ins.Exec(); err != nil {
			t.Fatal(err)
		}
	}
	ins.Close()
	q := vector.Encode(randVec(r, 16))
	for _, fn := range []string{"vec_distance_cosine", "vec_distance_l2", "vec_distance_l1", "vec_dot"} {
		allocs := func(n int) float64 {
			stmt, _, err := c.Prepare(fmt.Sprintf(`SELECT sum(%s(e, ?)) FROM (SELECT e FROM t LIMIT %d)`, fn, n))
			if err != nil {
				t.Fatal(err)
			}
			defer stmt.Close()
			return testing.AllocsPerRun(5, func() {
				stmt.BindBlob(1, q)
				if !stmt.Step() {
					t.Fatal(stmt.Err())
				}
				stmt.Reset()
			})
		}
		small, large := allocs(100), allocs(2000)
		if large > small+2 {
			t.Errorf("%s: %v allocations for 100 rows, %v for 2000", fn, small, large)
		}
	}
}
