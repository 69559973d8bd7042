package vector

import (
	"errors"
	"fmt"

	"github.com/ncruces/go-sqlite3"
)

// Subtypes sqlite-vec gives its results, so that int8 and bit vectors, which
// are plain BLOBs in storage, are told apart from float32 ones inside an
// expression. jsonSubtype is SQLite's own, set by json() and vec_to_json.
const (
	subtypeF32  = 223
	subtypeBit  = 224
	subtypeI8   = 225
	jsonSubtype = 74
)

type elem uint8

const (
	elemF32 elem = iota
	elemI8
	elemBit
)

func (e elem) String() string {
	switch e {
	case elemI8:
		return "int8"
	case elemBit:
		return "bit"
	}
	return "float32"
}

func (e elem) subtype() uint {
	switch e {
	case elemI8:
		return subtypeI8
	case elemBit:
		return subtypeBit
	}
	return subtypeF32
}

// Register registers the vector SQL functions, the vec0 virtual table
// module and the vec_each table-valued function (see the package
// documentation) on a connection.
//
// https://sqlite.org/c3ref/create_function.html
func Register(db *sqlite3.Conn) error {
	if db == nil {
		return errors.New("vector: Register: the connection is nil")
	}
	const (
		pure = sqlite3.DETERMINISTIC | sqlite3.INNOCUOUS
		in   = pure | sqlite3.SUBTYPE
		out  = in | sqlite3.RESULT_SUBTYPE
	)
	s := &state{}
	fn := func(name string, nArg int, flag sqlite3.FunctionFlag, f func(*state, sqlite3.Context, []sqlite3.Value) error) error {
		return db.CreateFunction(name, nArg, flag, func(ctx sqlite3.Context, args ...sqlite3.Value) {
			if err := f(s, ctx, args); err != nil {
				ctx.ResultError(fmt.Errorf("vector: %s: %w", name, err))
			}
		})
	}
	return errors.Join(
		fn("cosine_similarity", 2, in, (*state).cosineSimilarity),
		fn("vec_distance_cosine", 2, in, (*state).cosineDistance),
		fn("vec_distance_l2", 2, in, (*state).l2Distance),
		fn("vec_distance_l1", 2, in, (*state).l1Distance),
		fn("vec_distance_hamming", 2, in, (*state).hammingDistance),
		fn("vec_dot", 2, in, (*state).dotProduct),
		fn("vec_f32", 1, out, (*state).vecF32),
		fn("vec_int8", 1, out, (*state).vecI8),
		fn("vec_bit", 1, out, (*state).vecBit),
		fn("vec_to_json", 1, out, (*state).toJSON),
		fn("vec_length", 1, in, (*state).length),
		fn("vec_type", 1, in, (*state).vecType),
		fn("vec_normalize", 1, out, (*state).normalize),
		fn("vec_add", 2, out, (*state).add),
		fn("vec_sub", 2, out, (*state).sub),
		fn("vec_slice", 3, out, (*state).slice),
		fn("vec_quantize_binary", 1, out, (*state).quantizeBinary),
		fn("vec_quantize_int8", 2, out, (*state).quantizeI8),
		db.CreateFunction("vec_version", 0, pure, vecVersion),
		registerVec0(db),
	)
}
