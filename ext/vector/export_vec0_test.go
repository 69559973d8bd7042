package vector

// SetVec0PointReads sets the most candidates a KNN query reads one by one,
// for the tests of both ways of reading, and returns a function that
// restores it.
func SetVec0PointReads(n int) (restore func()) {
	old := vec0PointReads
	vec0PointReads = n
	return func() { vec0PointReads = old }
}

// SegMax is how many T_vectorsNN rows a chunk may have: chunk c's are
// c*SegMax and on.
const SegMax = segMax
