package vector

import (
	"database/sql/driver"
	"fmt"
)

// F32 is a float32 vector that moves in and out of SQL as a BLOB of
// little-endian float32 values, the format of sqlite-vec and vec1:
//
//	db.ExecContext(ctx, `INSERT INTO docs(embedding) VALUES (?)`, vector.F32(v))
//	var v vector.F32
//	row.Scan(&v)
//
// A nil F32 is stored as NULL and NULL scans into a nil F32.
type F32 []float32

// Value implements [driver.Valuer]. It fails if an element is NaN or
// infinite, or if v is empty but not nil (an empty BLOB, which Scan and
// the SQL functions would reject later anyway).
func (v F32) Value() (driver.Value, error) {
	if v == nil {
		return nil, nil
	}
	if len(v) == 0 {
		return nil, fmt.Errorf("vector: F32.Value: %w: empty vector (a nil F32 is NULL)", ErrMalformed)
	}
	if err := checkFinite(v); err != nil {
		return nil, fmt.Errorf("vector: F32.Value: %w", err)
	}
	return Encode(v), nil
}

// Scan implements [database/sql.Scanner]. It accepts a float32 BLOB, JSON
// text (as vec_to_json returns it) and NULL. The BLOB is copied: v never
// aliases driver memory.
func (v *F32) Scan(src any) error {
	var (
		f   []float32
		err error
	)
	switch src := src.(type) {
	case nil:
		*v = nil
		return nil
	case []byte:
		if err = checkBlob(src); err == nil {
			f = decodeInto(make([]float32, len(src)/4), src)
			err = checkFinite(f)
		}
	case string:
		f, err = appendJSON(nil, []byte(src))
	default:
		err = fmt.Errorf("%w: cannot scan %T", ErrMalformed, src)
	}
	if err != nil {
		return fmt.Errorf("vector: F32.Scan: %w", err)
	}
	*v = f
	return nil
}
