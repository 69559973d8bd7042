// Package vector is sqlite-vec for SQLite in Go: its vector functions, the
// vec0 virtual table, vec_each and vec_version, with sqlite-vec's names,
// formats and semantics, for a cgo-free [github.com/ncruces/go-sqlite3]
// connection; and the Go helpers that go with them: the [F32] type for
// database/sql, BLOB and JSON codecs, and an exact top-k search over a
// table of BLOBs, [TopK].
//
// The sqlitekit driver registers the functions on every connection it
// opens:
//
//	import _ "github.com/sqlitekit/sqlitekit/driver"
//
//	db, err := sql.Open("sqlitekit", "app.db")
//
// On a plain ncruces/go-sqlite3 connection, without the sqlitekit driver,
// call [Register] on each connection. With ncruces' own database/sql
// driver, not sqlitekit's, that is its Open's connection callback:
//
//	import ncruces "github.com/ncruces/go-sqlite3/driver"
//
//	db, err := ncruces.Open("file:app.db", vector.Register)
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
// addition; vec_npy_each is not provided. vec0 and vec_each are (see
// below).
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
// On 100,000 vectors of 384 dimensions a top-10 query is close to a plain
// Go loop over vectors already in memory, and several times faster than
// reading every row through database/sql: `go run ./bench` (vector top-10)
// and BenchmarkTopK measure it. Tables of rows a little under half a page (384
// float32 are 1,536 bytes) waste a quarter of each 4 KiB page; a larger
// page_size helps a scan-heavy table.
//
// # vec0 virtual tables
//
// The vec0 module is sqlite-vec's vector table, with its declaration syntax
// and query forms (sqlite-vec v0.1.6's documentation), in Go:
//
//	CREATE VIRTUAL TABLE vec_movies USING vec0(
//	  movie_id integer primary key,       -- optional: INTEGER or TEXT
//	  user_id integer partition key,      -- up to 4: shards the vectors
//	  synopsis_embedding float[768] distance_metric=cosine,
//	  genre text,                         -- metadata: text, integer,
//	  mean_rating float,                  --   float, boolean; up to 16
//	  +title text,                        -- auxiliary: stored, not filtered
//	  chunk_size=1024                     -- vectors per chunk, divisible by 8
//	);
//	INSERT INTO vec_movies(movie_id, user_id, synopsis_embedding, genre, mean_rating, title)
//	VALUES (1, 7, '[0.1, 0.2, ...]', 'scifi', 4.1, 'Alien');
//
//	SELECT movie_id, title, distance FROM vec_movies
//	WHERE synopsis_embedding MATCH ? AND k = 10
//	  AND user_id = 7 AND genre IN ('scifi', 'drama') AND mean_rating > 3.5;
//	-- or: WHERE synopsis_embedding MATCH ? ORDER BY distance LIMIT 10
//
// Vector columns are float[N] (also float32, f32), int8[N] (i8) or bit[N]
// (N divisible by 8), N up to 8192, at most 16 of them. distance_metric is
// l2 (the default: the Euclidean distance), cosine (1 - cosine similarity)
// or l1 for float and int8 columns; bit columns use the Hamming distance.
// "indexed by flat()" after a vector column is accepted (it is the exact
// search vec0 does); sqlite-vec's approximate indexes (rescore, ivf,
// diskann) are refused, as are its loose type names: sqlite-vec reads any
// type beginning with "float" (float8, float64) as float32 and "bits" as
// bit.
// Vectors go in as JSON text or BLOBs as for the functions above; int8 and
// bit columns take vec_int8(...) and vec_bit(...), and also a BLOB without
// subtype of exactly the column's size (so rows copied from another table,
// where subtypes are lost, go in unchanged).
//
// Queries: a KNN query has one MATCH on a vector column and either k = ?
// or LIMIT (k at most 4096; SQLite hides the LIMIT from a virtual table
// when there is an OFFSET, so use k = ? with OFFSET). It may add
// constraints, which all choose the rows among which the k nearest are
// taken: = != > >= < <= IN (...) IS and IS [NOT] NULL on partition keys
// (which, as in sqlite-vec, may be NULL: such rows form a partition of
// their own); the same but IS on metadata columns (IN on INTEGER and TEXT
// ones); = != > >= < <= and IN (...), a list or a subquery, on the rowid
// (or the primary key); and, as in sqlite-vec, bounds on the distance
// (distance > ?, >=, <, <=, BETWEEN): "distance > 0.5 AND k = 10" is the
// 10 nearest rows beyond 0.5 (= and != on the distance are refused). Rows
// come nearest first, with the hidden distance column; ties are broken by
// rowid. Without MATCH, a query reads one row by rowid or primary key, or
// every row in rowid order.
// INSERT, UPDATE and DELETE work as on a table, and INSERT OR REPLACE
// replaces the row with the same key (INSERT OR IGNORE of an existing key
// fails with the UNIQUE error, as in sqlite-vec); changing a row's rowid,
// primary key or partition key is refused (delete the row and insert it
// again). vec_each(vector) lists a vector's elements (rowid, value; a bit
// vector's bits most significant first, as sqlite-vec's vec_each does,
// although its vec_to_json and this package's list them least significant
// first), and vec_version() returns [Version].
//
// Errors follow sqlite-vec's wording, prefixed with "vec0: " and the table
// name: "Dimension mismatch for inserted vector for the "emb" column.
// Expected 384 dimensions but received 3.", "A LIMIT or 'k = ?' constraint
// is required on vec0 knn queries.", "k value in knn query too large,
// provided 5000 and the limit is 4096", "vec0 constructor error: unknown
// table option: chunksize", "An illegal WHERE constraint was provided on a
// vec0 auxiliary column in a KNN query.", "Expected integer for INTEGER
// metadata column year, received TEXT".
//
// vec0 and vec_each are innocuous, like FTS5 and R*Tree: triggers and
// views may use them, KNN queries included, with trusted_schema off (this
// SQLite's default; sqlite-vec relies on a stock SQLite's trusted_schema
// on). Register also declares the function match() that "e MATCH ?"
// names innocuous; called outside a KNN query it fails as SQLite's does.
//
// Storage: ordinary tables in the same database, named after the table
// (t_info, t_chunks, t_vectors00, ..., t_rowids, t_auxiliary), so rows are
// transactional, visible to every connection and process, copied by backups
// and replicated like any table, and consistent after a crash. A chunk's
// vectors are packed into BLOBs of up to 64 KiB, so a KNN query reads a few
// thousand large cells, not one row per vector, and compares them in place
// in SQLite's memory with the same kernels as the functions (AVX2 on
// amd64). A KNN query whose rowid or metadata constraints leave at most
// 2,048 candidates reads just those vectors instead. Nothing is cached in Go
// memory between statements, and a query allocates the same whatever the
// number of rows: the Go heap does not grow with the table. PRAGMA
// integrity_check (and quick_check) also checks that a vec0 table's shadow
// tables agree, and a query that finds them disagreeing fails with
// SQLITE_CORRUPT_VTAB rather than return wrong rows.
//
// Speed: exact KNN and bulk inserts run faster than sqlite-vec's own vec0
// (C) on tables far larger than the page cache. The figures are in the
// bench report (`go run ./bench`, vector workloads, sqlite-vec beside it)
// and in BenchmarkVec0, not here, where they would go stale.
//
// Approximate search: sqlite-vec's binary quantization recipe runs on vec0
// unchanged, with a bit column beside the float one, a coarse Hamming KNN
// and an exact rescoring of its candidates:
//
//	CREATE VIRTUAL TABLE docs USING vec0(
//	  e float[384] distance_metric=cosine, bq bit[384]);
//	INSERT INTO docs(rowid, e, bq) VALUES (?1, ?2, vec_quantize_binary(?2));
//	SELECT rowid, distance FROM docs
//	WHERE e MATCH ?1 AND k = 10 AND rowid IN (
//	  SELECT rowid FROM docs WHERE bq MATCH vec_quantize_binary(?1) AND k = 400);
//
// More candidates give a higher recall and a slower query; binary codes
// separate clustered vectors poorly, so a recall@10 near 0.95 needs many
// candidates and gains only a few times the exact speed (BenchmarkVec0
// measures recall and time per candidate count). For a high recall at
// tens of times the exact speed, use vec1 (below).
//
// Deliberate differences from sqlite-vec: the storage format is sqlitekit's
// own (a table written by sqlite-vec is refused with an error saying so:
// copy its rows with sqlite-vec, e.g. to JSON or a plain table of BLOBs,
// then insert them here); NULL vectors and NULL metadata are refused as in
// sqlite-vec, but NaN and infinite elements are refused too; a stored
// zero vector has a NULL cosine distance and ranks last, and a zero query
// vector is an error (sqlite-vec computes NaN); a full scan returns rows
// in rowid order (sqlite-vec: chunk order); ORDER BY other columns, and
// LIMIT, are allowed with k = ? (SQLite sorts and cuts the k rows;
// sqlite-vec refuses both); a range on the rowid or primary key of a KNN
// query (rowid > ?) chooses the rows the k nearest are taken from, as
// constraints on the other columns do (sqlite-vec leaves it to SQLite,
// which filters the k rows found: fewer than k, or none); ties in distance
// come in rowid order (sqlite-vec's order among ties is that of its scan,
// and its own tests record such orders); the distance functions compute
// in float64, while vec0's distance column holds float32 values as
// sqlite-vec's does, so the two can differ in the last digits, and from
// sqlite-vec's functions, which sum in float32 (vec_distance_cosine of
// [1.1, 1.0] and [1.2, 1.2] is 0.00113191815 here, 0.00113189826 there);
// constraint values are compared by SQL's rules, as a full scan
// compares them, not converted (n = '999' on an INTEGER metadata column
// matches nothing, and n < 999.5 includes 999; sqlite-vec's KNN reads the
// value as the column's type: '999' as 999, 'abc' as 0, 999.5 as 999);
// vec_each(NULL) has no rows; IN on a partition key gives k rows in all
// (sqlite-vec: k per value); vec_to_json prints the shortest exact form of
// each element; the slots of deleted rows are reused, and a chunk whose
// rows are all deleted is dropped.
//
// Migrating from a plain table of BLOBs (what sqlitekit's storage layers
// and TopK use) is one statement; the rowid keeps the link to the source:
//
//	CREATE VIRTUAL TABLE docs_vec USING vec0(
//	  embedding float[384] distance_metric=cosine, lang text);
//	INSERT INTO docs_vec(rowid, embedding, lang)
//	SELECT id, embedding, lang FROM docs WHERE embedding IS NOT NULL;
//	-- keep it in sync with triggers, as shown for vec1 below, or make
//	-- docs_vec the only copy and join back on rowid.
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
// Recall depends on the data and on nprobe: on tight clusters a few
// buckets visited reach a high recall at tens of times the speed of the
// exact scan, but looser clusters need far more buckets visited, and the
// "pq" and "bq" quantizers lose most of the recall without reranking. Measure with your own vectors: BenchmarkVec1's VEC1_*
// environment variables set its rows, clusters, spread, nbucket,
// quantizer, training sample and nprobe values, and it prints recall and
// time per nprobe.
//
// # References
//
// sqlite-vec: https://alexgarcia.xyz/sqlite-vec/api-reference.html
//
// vec1: https://sqlite.org/vec1/doc/trunk/doc/vec1intro.md
//
// https://sqlite.org/c3ref/create_function.html
package vector
