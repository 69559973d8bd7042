// Package vector provides vector similarity functions for SQLite, with the
// names, formats and semantics of sqlite-vec, written in Go for a cgo-free
// [github.com/ncruces/go-sqlite3] connection, and the Go helpers that go
// with them: the [F32] type for database/sql, BLOB and JSON codecs, and an
// exact top-k search, [TopK].
//
// Call [Register] on a connection (the sqlitekit driver does it on every
// connection it opens):
//
//	db, err := driver.Open("file:app.db", vector.Register)
//
// # Vectors
//
// A float32 vector is a BLOB of 4 bytes per element, IEEE 754 little-endian:
// the bytes sqlite-vec and vec1 use, so data moves between tools unchanged.
// Every vector argument may also be JSON text, '[1, 2.5, -3e2]'. Elements
// must be finite. int8 vectors (1 byte per element) and bit vectors (1 bit
// per element, least significant bit first) are BLOBs too; as in sqlite-vec,
// they are told apart from float32 ones by the subtype that vec_int8,
// vec_bit and the quantizers give their result (225 for int8, 224 for bit,
// 223 for float32), which lasts only within an expression: wrap a stored
// int8 column in vec_int8(col) to use it as one.
//
// # SQL functions
//
// Distances (two vectors of one type and length; REAL unless noted):
//
//	cosine_similarity(a, b)    a·b / (|a| |b|), in [-1, 1]; float32 or int8
//	vec_distance_cosine(a, b)  1 - cosine_similarity(a, b), in [0, 2]
//	vec_distance_l2(a, b)      Euclidean distance √Σ(aᵢ-bᵢ)²; float32 or int8
//	vec_distance_l1(a, b)      Σ|aᵢ-bᵢ|; INTEGER for int8 vectors
//	vec_dot(a, b)              a·b; INTEGER for int8 vectors
//	vec_distance_hamming(a, b) number of differing bits of two bit vectors
//
// Constructors and operations:
//
//	vec_f32(v)                 v as a float32 BLOB (subtype 223)
//	vec_int8(v)                a BLOB, or JSON integers in [-128, 127], as int8
//	vec_bit(v)                 a BLOB as a bit vector
//	vec_to_json(v)             JSON text of the elements
//	vec_length(v)              number of elements (of bits for a bit vector)
//	vec_type(v)                'float32', 'int8' or 'bit'
//	vec_normalize(v)           v / |v| (float32 only)
//	vec_add(a, b), vec_sub(a, b)  element-wise sum and difference
//	vec_slice(v, start, end)   elements start (inclusive) to end (exclusive)
//	vec_quantize_binary(v)     1 bit per element: set when the element is > 0
//	vec_quantize_int8(v, 'unit')  maps [-1, 1] to int8, as sqlite-vec does
//
// All are deterministic and innocuous, so they can be used in indexes on
// expressions, generated columns and CHECK constraints.
//
// # NULL, errors, and differences from sqlite-vec
//
// NULL in any argument gives NULL (sqlite-vec raises an error instead).
// SQLite sorts NULL first, so a nearest-neighbour query over a column that
// may be NULL must filter: "WHERE embedding IS NOT NULL" (as [TopK] does).
//
// Bad input is an SQL error that names the function and the problem:
// "vector: vec_distance_cosine: dimension mismatch: first vector has 384
// dimensions, second has 768", "... argument 1: malformed vector: BLOB
// length 6 is not a multiple of 4", "... malformed vector: JSON at offset 7
// (','): expected a number", "... argument 2 is a zero vector: cosine is
// undefined", "... non-finite value: element 3 is NaN". Where sqlite-vec
// returns NaN (the cosine of a zero vector, normalizing one) or wraps around
// (int8 overflow in vec_add), these functions report an error. Other
// differences: cosine similarities are clamped to [-1, 1] against rounding;
// vec_to_json prints each float32 in its shortest exact form ("0.1", not
// "0.100000"); the JSON parser rejects what is not an array of numbers
// (sqlite-vec skips stray commas and ignores text after ']'), while it
// accepts sqlite-vec's number forms (".5", "+1", "1."); vec_dot is an
// addition; vec_each, vec_npy_each and the vec0 virtual table are not
// provided (see vec1 below for an index).
//
// vec_distance_l2 is the true Euclidean distance, as in sqlite-vec. vec1's
// distance column and vec1_l2_distance are its square.
//
// # Exact nearest neighbours
//
// The plain query scans the table once and keeps the best rows as it goes:
//
//	SELECT id, vec_distance_cosine(embedding, ?) AS d
//	FROM docs WHERE embedding IS NOT NULL AND lang = 'en'
//	ORDER BY d LIMIT 10
//
// [TopK] writes that query and streams its rows. A constant argument (the
// bound query vector) is decoded, checked and measured once per statement,
// not once per row; the stored vectors are read in place from SQLite's
// memory without copying or allocating, and the float32 kernels use AVX2
// and FMA on amd64 machines that have them (build tag purego disables them).
// Over 100,000 vectors of 384 dimensions (BenchmarkTopK, medians of 6 runs
// on a shared 2-core machine) the top-10 query took 71 ms: 1.3 times a
// plain Go loop over the same vectors already in memory (55 ms), and a
// fifth of the time of reading every row through database/sql and computing
// in Go (365 ms). Tables of rows a little under half a page (384
// float32 are 1,536 bytes) waste a quarter of each 4 KiB page; a larger
// page_size helps a scan-heavy table.
//
// # Approximate nearest neighbours with vec1
//
// Beyond some hundred thousand rows, or when queries must take a few
// milliseconds, keep an index beside the exact table with SQLite's vec1
// extension ([github.com/ncruces/go-sqlite3/ext/vec1]; register it with
// vec1.Register, as the sqlitekit driver does). The exact table stays the
// source of truth; the index holds a copy of each vector with the columns
// queries filter on:
//
//	-- 1. Create: the first column is the vector, the others are metadata.
//	CREATE VIRTUAL TABLE docs_ann USING vec1(embedding, lang);
//
//	-- 2. Fill from the exact table, a few thousand rows per statement:
//	--    vec1 keeps a statement's new rows in SQLite's heap, which the
//	--    WebAssembly build bounds (256 MB by default, see
//	--    sqlite3.WithMaxMemory), so one INSERT ... SELECT of 100,000
//	--    vectors of 384 dimensions runs out of memory. Repeat with
//	--    ?1 = 1, 2001, 4001, ...:
//	INSERT INTO docs_ann(rowid, embedding, lang)
//	SELECT id, embedding, lang FROM docs
//	WHERE embedding IS NOT NULL AND id BETWEEN ?1 AND ?1 + 1999;
//
//	-- 3. Keep it in sync.
//	CREATE TRIGGER docs_ann_insert AFTER INSERT ON docs
//	WHEN new.embedding IS NOT NULL BEGIN
//	  INSERT INTO docs_ann(rowid, embedding, lang)
//	  VALUES (new.id, new.embedding, new.lang);
//	END;
//	CREATE TRIGGER docs_ann_update AFTER UPDATE OF embedding, lang ON docs BEGIN
//	  DELETE FROM docs_ann WHERE rowid = old.id;
//	  INSERT INTO docs_ann(rowid, embedding, lang)
//	  SELECT new.id, new.embedding, new.lang WHERE new.embedding IS NOT NULL;
//	END;
//	CREATE TRIGGER docs_ann_delete AFTER DELETE ON docs BEGIN
//	  DELETE FROM docs_ann WHERE rowid = old.id;
//	END;
//
//	-- 4. Train an inverted-file index (k-means buckets, about √rows of
//	--    them) on a sample of the vectors (here a tenth: vec1_train
//	--    holds its input in the heap, and k-means needs some tens of
//	--    vectors per bucket, not all of them) and rebuild with it.
//	--    Repeat when the table has grown a lot (say, doubled): new rows go
//	--    to the nearest existing bucket, so results stay correct but
//	--    buckets become uneven and slower.
//	INSERT INTO docs_ann(cmd, embedding)
//	SELECT 'rebuild', vec1_train(embedding,
//	  '{distance:"cos", nbucket:316, quantizer:"none"}')
//	FROM docs WHERE embedding IS NOT NULL AND id % 10 = 0;
//
//	-- Or go back to an exhaustive scan inside vec1:
//	INSERT INTO docs_ann(cmd, embedding) VALUES ('rebuild', '{index:"flat"}');
//
//	-- 5. Query: K results, visiting a fraction nprobe of the buckets;
//	--    metadata filters apply while scanning.
//	SELECT rowid, distance FROM docs_ann(?, '{K:10, nprobe:0.05}')
//	WHERE lang = 'en';
//
// The knobs: nbucket at training (more buckets, each smaller: faster queries
// at the same nprobe, lower recall); quantizer ('pq', 'opq', 'bq') at
// training, which compresses the index at some cost in recall; nprobe per
// query (the fraction, or if 1 or more the number, of buckets visited;
// default vec1_config('nprobe'), 0.05): higher nprobe means higher recall and
// slower queries. distance is "l2" (the squared Euclidean distance) or
// "cos" (1 - cosine similarity, the same value as vec_distance_cosine).
// Without a trained index, vec1 scans exhaustively; without a visible K or
// LIMIT it refuses the query.
//
// Measured (BenchmarkVec1; go test -run XXX -bench Vec1 -benchtime 50x
// -count 3 ./ext/vector, medians of 3 on a shared, loaded 2-core machine):
// 100,000 vectors of 384 dimensions drawn around 300 seeded Gaussian
// clusters (random unit centres, noise σ = 0.1 per element, so the noise
// is about twice the centre's length and the clusters overlap; uniform
// random vectors would make recall meaningless), 50 queries from the same
// distribution. Index: distance "cos", nbucket 316, quantizer "none",
// trained on every 10th row; filled 2,000 rows per statement in 1.5-3 s,
// trained and rebuilt in 62-81 s. Exact top-10 (full scan): 101 ms.
//
//	nprobe  recall@10  time     vs exact
//	1       0.958      1.15 ms  88x
//	2       0.998      7.0 ms   14x
//	4       1.000      11.2 ms  9x
//	16      1.000      15.0 ms  6.7x
//	64      1.000      39.6 ms  2.5x
//
// So nprobe 1 (of 316 buckets) meets recall@10 ≥ 0.95 at ≥ 20x the exact
// scan on this data; each doubling of nprobe costs time roughly in
// proportion. k-means is randomly started, so rebuilds differ: another
// build measured recall 0.956 at nprobe 1 (72x) and 0.968 at nprobe 2
// (23x). Recall depends on the data: on tighter clusters (σ = 0.05)
// nprobe 1 gave 0.982, on 20,000 rows of looser ones (σ = 0.15) nprobe 16
// gave only 0.43; measure with your own vectors (the benchmark's
// VEC1_* environment variables set its rows, clusters, σ, nbucket,
// quantizer, training sample and nprobe values). vec1 computes about
// 3-4 µs per vector visited (the translated C without SIMD), 3 times the
// exact scan's cost per row, so an IVF probe pays off only while it visits
// well under a tenth of the rows. The "pq" and "bq" quantizers, measured on
// 20,000 such rows, were faster but reached recall@10 of only 0.59 (pq)
// and near 0 (bq) without reranking; use "none" unless the index must be
// small.
//
// # References
//
// sqlite-vec: https://alexgarcia.xyz/sqlite-vec/api-reference.html
//
// vec1: https://sqlite.org/vec1/doc/trunk/doc/vec1intro.md
//
// https://sqlite.org/c3ref/create_function.html
package vector
