package vector_test

import (
	"errors"
	"testing"

	"github.com/ncruces/go-sqlite3"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// FuzzVector feeds arbitrary bytes and text to the decoders and to every SQL
// function, as BLOB and as text: anything may fail, nothing may panic, and
// what decodes must encode back to the same bytes.
func FuzzVector(f *testing.F) {
	f.Add([]byte{}, "")
	f.Add([]byte{0xcd, 0xcc, 0xcc, 0x3d}, "[.1]")
	f.Add([]byte{0, 0, 0xc0, 0x7f}, "[1e39]")
	f.Add([]byte{1, 2, 3}, "[1, 2,, 3]")
	f.Add(vector.Encode([]float32{1, -2, 3, 4, 5, 6, 7, 8}), "[1,2,3,4,5,6,7,8]")
	f.Add(vector.Encode(make([]float32, 17)), " [ -0 , +1., .5e-3 ] ")
	f.Add([]byte{0xff}, "[\"1\"]")
	f.Add([]byte{0, 0, 0x80, 0x7f}, "[1] x")

	c := openConn(f)
	queries := []string{
		`SELECT cosine_similarity(?1, ?2)`,
		`SELECT vec_distance_cosine(?2, ?1)`,
		`SELECT vec_distance_l2(?1, ?1)`,
		`SELECT vec_distance_l1(?1, ?2)`,
		`SELECT vec_dot(?2, ?2)`,
		`SELECT vec_distance_hamming(vec_bit(?1), vec_bit(?1))`,
		`SELECT vec_distance_l2(vec_int8(?1), vec_int8(?2))`,
		`SELECT vec_to_json(?1)`, `SELECT vec_to_json(vec_int8(?1))`, `SELECT vec_to_json(vec_bit(?1))`,
		`SELECT vec_f32(?2)`, `SELECT vec_int8(?2)`, `SELECT vec_length(?1)`, `SELECT vec_type(?2)`,
		`SELECT vec_normalize(?1)`, `SELECT vec_add(?1, ?2)`, `SELECT vec_sub(?2, ?1)`,
		`SELECT vec_slice(?1, 1, 3)`, `SELECT vec_slice(vec_bit(?1), 0, 8)`,
		`SELECT vec_quantize_binary(?2)`, `SELECT vec_quantize_int8(?1, 'unit')`,
	}
	var stmts []*sqlite3.Stmt
	for _, q := range queries {
		s, _, err := c.Prepare(q)
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { s.Close() })
		stmts = append(stmts, s)
	}

	f.Fuzz(func(t *testing.T, data []byte, text string) {
		if v, err := vector.Decode(data); err == nil {
			if string(vector.Encode(v)) != string(data) {
				t.Fatalf("Decode/Encode changed %x", data)
			}
		}
		if v, err := vector.ParseJSON(text); err == nil {
			w, err := vector.ParseJSON(string(vector.AppendJSON(nil, v)))
			if err != nil || string(vector.Encode(v)) != string(vector.Encode(w)) {
				t.Fatalf("ParseJSON/AppendJSON round trip of %q: %v", text, err)
			}
		}
		var fv vector.F32
		_ = fv.Scan(data)
		_ = fv.Scan(text)
		for _, s := range stmts {
			for _, blobFirst := range []bool{true, false} {
				if blobFirst {
					s.BindBlob(1, data)
					s.BindText(2, text)
				} else {
					s.BindText(1, text)
					s.BindBlob(2, data)
				}
				for s.Step() {
				}
				err := s.Reset()
				var serr *sqlite3.Error
				if err != nil && !errors.As(err, &serr) {
					t.Fatalf("%s: unexpected error type %T: %v", s.SQL(), err, err)
				}
			}
		}
	})
}
