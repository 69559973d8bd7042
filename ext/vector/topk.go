package vector

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/sqlitekit/sqlitekit/internal/sqlexpr"

	"github.com/sqlitekit/sqlitekit/internal/ctxarg"
)

// Querier runs a query: [*sql.DB], [*sql.Conn] and [*sql.Tx] are
// Queriers. (driver.Querier and trigram.Querier are the same idea.)
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Metric is the distance [TopK] orders by.
type Metric int

const (
	// Cosine orders by vec_distance_cosine, 1 - cosine similarity.
	Cosine Metric = iota
	// L2 orders by vec_distance_l2, the Euclidean distance.
	L2
	// L1 orders by vec_distance_l1, the sum of absolute differences.
	L1
)

// String returns the SQL function of the metric.
func (m Metric) String() string {
	switch m {
	case Cosine:
		return "vec_distance_cosine"
	case L2:
		return "vec_distance_l2"
	case L1:
		return "vec_distance_l1"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// TopKOptions tunes [TopK]. A nil *TopKOptions means the zero value.
type TopKOptions struct {
	// Metric is the distance to order by. Zero means Cosine.
	Metric Metric
	// Filter, if not empty, is an SQL expression over the columns of the
	// table that rows must also satisfy, such as "lang = ? AND NOT
	// deleted"; Args are the values of its parameters. Pass untrusted
	// values through Args, never by building Filter. Filter must be a
	// single expression: one with unbalanced parentheses, a semicolon or
	// an unterminated literal or comment is refused with
	// [ErrInvalidFilter], and so is a numbered parameter (?1): use ? or
	// :name. (ext/trigram's SearchOptions.Filter has the
	// same name and rule.)
	Filter string
	Args   []any
}

// ErrInvalidFilter is wrapped by the error [TopK] reports for a
// [TopKOptions].Filter that is not a single SQL expression.
var ErrInvalidFilter = errors.New("invalid filter")

// Match is a row found by [TopK].
type Match struct {
	RowID    int64   // the row's rowid
	Distance float64 // its distance to the query by the Metric: smaller is nearer
}

// TopK returns the k rows of table nearest to query by their vector column,
// nearest first, as an exact scan:
//
//	SELECT rowid, vec_distance_cosine(column, ?) AS distance FROM table
//	WHERE column IS NOT NULL AND (Filter) ORDER BY distance LIMIT k
//
// Rows whose vector is NULL are skipped. SQLite keeps only the k best rows
// while it scans, so memory does not grow with the table; the connection of
// db must have the functions of [Register]. The table needs a rowid (an
// INTEGER PRIMARY KEY is its alias). table and column are quoted as
// identifiers.
//
// The sequence is single use. It yields each match with a nil error; on a
// failure it yields one non-nil error and ends. If the loop stops early, the
// rows are closed and an error from closing them is dropped; an error met
// while reading is always yielded.
func TopK(ctx context.Context, db Querier, table, column string, query []float32, k int, opts *TopKOptions) iter.Seq2[Match, error] {
	return func(yield func(Match, error) bool) {
		if opts == nil {
			opts = &TopKOptions{}
		}
		q, args, err := topKQuery(table, column, query, k, opts)
		if err == nil {
			err = cmp.Or(ctxarg.Check(ctx), ctxarg.NotNil("Querier", db))
		}
		if err != nil {
			yield(Match{}, fmt.Errorf("vector: TopK: %w", err))
			return
		}
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			yield(Match{}, fmt.Errorf("vector: TopK: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var m Match
			if err := rows.Scan(&m.RowID, &m.Distance); err != nil {
				yield(Match{}, fmt.Errorf("vector: TopK: %w", err))
				return
			}
			if !yield(m, nil) {
				return
			}
		}
		err = rows.Err()
		if err == nil {
			err = rows.Close()
		}
		if err != nil {
			yield(Match{}, fmt.Errorf("vector: TopK: %w", err))
		}
	}
}

func topKQuery(table, column string, query []float32, k int, opts *TopKOptions) (string, []any, error) {
	switch {
	case table == "":
		return "", nil, errors.New("empty table name")
	case column == "":
		return "", nil, errors.New("empty column name")
	case strings.IndexByte(table, 0) >= 0: // SQLite would stop reading the SQL there
		return "", nil, fmt.Errorf("table name %q has a NUL byte", table)
	case strings.IndexByte(column, 0) >= 0:
		return "", nil, fmt.Errorf("column name %q has a NUL byte", column)
	case k <= 0:
		return "", nil, fmt.Errorf("k must be positive, got %d", k)
	case len(query) == 0:
		return "", nil, fmt.Errorf("query: %w: empty vector", ErrMalformed)
	case opts.Metric < Cosine || opts.Metric > L1:
		return "", nil, fmt.Errorf("unknown metric %d", int(opts.Metric))
	}
	if err := checkFinite(query); err != nil {
		return "", nil, fmt.Errorf("query: %w", err)
	}
	if err := sqlexpr.Check(opts.Filter); err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrInvalidFilter, err)
	}
	col := quoteIdent(column)
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT rowid, %s(%s, ?) AS distance FROM %s WHERE %s IS NOT NULL",
		opts.Metric, col, quoteIdent(table), col)
	if opts.Filter != "" {
		fmt.Fprintf(&b, " AND (%s\n)", opts.Filter) // a newline ends a trailing -- comment
	}
	b.WriteString(" ORDER BY distance LIMIT ?")
	args := make([]any, 0, len(opts.Args)+2)
	args = append(args, Encode(query))
	args = append(args, opts.Args...)
	args = append(args, k)
	return b.String(), args, nil
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
