package vector

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ncruces/go-sqlite3"
)

// Query plans of a vec0 table (IndexInfo.IdxNum).
const (
	planScan  = 0 // every row, in rowid order
	planPoint = 1 // one row by rowid or primary key
	planKNN   = 2 // the k nearest rows to a MATCH vector
)

// Comparison operators of partition and metadata constraints, as they are
// written into IdxStr.
const (
	opEQ = '='
	opNE = '!'
	opGT = '>'
	opGE = 'g'
	opLT = '<'
	opLE = 'l'
	opIN = 'i'
	// Partition keys only (they may be NULL; metadata may not).
	opIS      = 'I'
	opISNOT   = 'J'
	opISNULL  = 'n' // its argument is ignored
	opNOTNULL = 'N' // its argument is ignored
)

func opOf(op sqlite3.IndexConstraintOp) byte {
	switch op {
	case sqlite3.INDEX_CONSTRAINT_EQ:
		return opEQ
	case sqlite3.INDEX_CONSTRAINT_NE:
		return opNE
	case sqlite3.INDEX_CONSTRAINT_GT:
		return opGT
	case sqlite3.INDEX_CONSTRAINT_GE:
		return opGE
	case sqlite3.INDEX_CONSTRAINT_LT:
		return opLT
	case sqlite3.INDEX_CONSTRAINT_LE:
		return opLE
	case sqlite3.INDEX_CONSTRAINT_IS:
		return opIS
	case sqlite3.INDEX_CONSTRAINT_ISNOT:
		return opISNOT
	case sqlite3.INDEX_CONSTRAINT_ISNULL:
		return opISNULL
	case sqlite3.INDEX_CONSTRAINT_ISNOTNULL:
		return opNOTNULL
	}
	return 0
}

func opSQL(op byte) string {
	switch op {
	case opNE:
		return "!="
	case opGT:
		return ">"
	case opGE:
		return ">="
	case opLT:
		return "<"
	case opLE:
		return "<="
	case opIS:
		return "IS"
	case opISNOT:
		return "IS NOT"
	case opISNULL:
		return "IS NULL"
	case opNOTNULL:
		return "IS NOT NULL"
	}
	return "="
}

// A KNN plan's IdxStr is the vector column's index, then one term per
// argument of Filter, in order, separated by commas:
//
//	m        the query vector (MATCH)
//	k        k, from "k = ?" or LIMIT
//	r / R    rowid or primary key: = ? / IN (...)
//	qo       rowid or primary key, operator o (!, >, g, < or l)
//	pNo      partition key column N (declared column number), operator o
//	MNo      metadata column N, operator o (i for IN)
//	do       the distance, operator o (>, g, < or l)
type knnTerm struct {
	kind byte // 'm', 'k', 'r', 'R', 'q', 'p', 'M', 'd'
	col  int  // declared column number, for 'p' and 'M'
	op   byte
}

// BestIndex chooses a plan; see the plan constants.
func (t *vec0) BestIndex(idx *sqlite3.IndexInfo) error {
	err := t.bestIndex(idx)
	if err == sqlite3.CONSTRAINT {
		return err // not an error: this plan is unusable
	}
	return t.wrap(err)
}

func (t *vec0) bestIndex(idx *sqlite3.IndexInfo) error {
	match, k, limit, rowidEq := -1, -1, -1, -1
	matchUnusable, aux := false, false
	for i, c := range idx.Constraint {
		u := t.user(c.Column)
		isVector := u != nil && u.kind == colVector
		if !c.Usable {
			if c.Op == sqlite3.INDEX_CONSTRAINT_MATCH && isVector {
				matchUnusable = true
			}
			continue
		}
		switch {
		case c.Op == sqlite3.INDEX_CONSTRAINT_MATCH && isVector:
			if match >= 0 {
				return errors.New("only 1 MATCH operator is allowed in a single vec0 query")
			}
			match = i
		case c.Op == sqlite3.INDEX_CONSTRAINT_LIMIT:
			limit = i
		case c.Op == sqlite3.INDEX_CONSTRAINT_EQ && c.Column == t.colK():
			if k >= 0 { // SQLite would test the other against the hidden column: no rows
				return errors.New("only one 'k = ?' constraint is allowed in a vec0 KNN query")
			}
			k = i
		case c.Op == sqlite3.INDEX_CONSTRAINT_EQ && c.Column == 0:
			rowidEq = i
		}
		if u != nil && u.kind == colAuxiliary && c.Op != sqlite3.INDEX_CONSTRAINT_OFFSET {
			aux = true
		}
	}

	if match < 0 {
		if matchUnusable {
			return sqlite3.CONSTRAINT // not a plan: the MATCH needs a value from another table
		}
		if rowidEq >= 0 {
			idx.IdxNum = planPoint
			idx.ConstraintUsage[rowidEq] = sqlite3.IndexConstraintUsage{ArgvIndex: 1, Omit: true}
			idx.EstimatedCost = 10
			idx.EstimatedRows = 1
			idx.IdxFlags = sqlite3.INDEX_SCAN_UNIQUE
			return nil
		}
		idx.IdxNum = planScan
		idx.EstimatedCost = 3e6
		idx.EstimatedRows = 100000
		return nil
	}

	// KNN.
	if k < 0 && limit < 0 {
		return errors.New("A LIMIT or 'k = ?' constraint is required on vec0 knn queries.")
	}
	if k >= 0 {
		limit = -1 // SQLite applies a LIMIT (and OFFSET) to the k rows itself
	}
	orderByDistance := len(idx.OrderBy) == 1 && idx.OrderBy[0].Column == t.colDistance() && !idx.OrderBy[0].Desc
	if k < 0 && len(idx.OrderBy) > 0 && !orderByDistance {
		return errors.New("only a single 'ORDER BY distance' (ascending) is allowed on vec0 KNN queries that use LIMIT")
	}
	if aux {
		return errors.New("An illegal WHERE constraint was provided on a vec0 auxiliary column in a KNN query.")
	}

	var terms []string
	argv := 0
	use := func(i int, term string) {
		argv++
		idx.ConstraintUsage[i] = sqlite3.IndexConstraintUsage{ArgvIndex: argv, Omit: true}
		terms = append(terms, term)
	}
	use(match, "m")
	if k >= 0 {
		use(k, "k")
	} else {
		use(limit, "k")
		idx.ConstraintUsage[limit].Omit = false
	}
	for i, c := range idx.Constraint {
		if !c.Usable || i == match || i == k || i == limit {
			continue
		}
		if c.Column == 0 {
			// A range on the key, like the other constraints, chooses the
			// rows the k nearest are taken from.
			switch op := opOf(c.Op); op {
			case opNE, opGT, opGE, opLT, opLE:
				use(i, fmt.Sprintf("q%c", op))
				continue
			}
		}
		if c.Column == 0 && c.Op == sqlite3.INDEX_CONSTRAINT_EQ {
			if idx.In(i, -1) {
				idx.In(i, 1)
				use(i, "R")
			} else {
				use(i, "r")
			}
			continue
		}
		if c.Column == t.colDistance() && c.Op != sqlite3.INDEX_CONSTRAINT_LIMIT && c.Op != sqlite3.INDEX_CONSTRAINT_OFFSET {
			// As in sqlite-vec, a bound on the distance filters the
			// candidates before the k nearest are chosen.
			switch op := opOf(c.Op); op {
			case opGT, opGE, opLT, opLE:
				use(i, fmt.Sprintf("d%c", op))
			default:
				return errors.New("Illegal WHERE constraint on distance column in a KNN query. " +
					"Only one of GT, GE, LT, LE constraints are allowed.")
			}
			continue
		}
		u := t.user(c.Column)
		if u == nil {
			continue
		}
		switch u.kind {
		case colPartition:
			op := opOf(c.Op)
			if op == 0 {
				// Left to SQLite, it would filter the k rows after the
				// search rather than choose the partitions searched.
				return fmt.Errorf("An illegal WHERE constraint was provided on a vec0 partition key column in a KNN query (%s): "+
					"only =, !=, >, >=, <, <=, IN, IS and IS [NOT] NULL are allowed.", u.name)
			}
			if op == opEQ && idx.In(i, -1) {
				idx.In(i, 1) // all values at once: k rows in all, not k per value
				op = opIN
			}
			use(i, fmt.Sprintf("p%d%c", c.Column, op))
		case colMetadata:
			op := opOf(c.Op)
			if op == opIS || op == opISNOT || op == opISNULL || op == opNOTNULL {
				op = 0 // metadata is never NULL: IS is = in disguise, but sqlite-vec refuses it
			}
			if op == 0 {
				return fmt.Errorf("An illegal WHERE constraint was provided on a vec0 metadata column in a KNN query (%s): "+
					"only =, !=, >, >=, <, <= and IN are allowed.", u.name)
			}
			if u.typ == typeBoolean && op != opEQ && op != opNE {
				return fmt.Errorf("ONLY EQUALS (=) or NOT_EQUALS (!=) operators are allowed on boolean metadata columns (%s).", u.name)
			}
			if op == opEQ && idx.In(i, -1) {
				if u.typ != typeInteger && u.typ != typeText {
					return fmt.Errorf("'%s IN (...)' is only available on INTEGER or TEXT metadata columns", u.name)
				}
				idx.In(i, 1)
				op = opIN
			}
			use(i, fmt.Sprintf("M%d%c", c.Column, op))
		}
	}
	idx.IdxNum = planKNN
	// The vector column's number, recovered in Filter from the MATCH
	// constraint's column, is stored first.
	idx.IdxStr = strconv.Itoa(idx.Constraint[match].Column) + ";" + strings.Join(terms, ",")
	idx.OrderByConsumed = orderByDistance
	idx.EstimatedCost = 30
	idx.EstimatedRows = 10
	return nil
}

// parseKNNPlan decodes a KNN plan's IdxStr, checking it against the table
// (IdxStr comes from BestIndex, but is decoded defensively all the same).
func (t *vec0) parseKNNPlan(s string) (vcol *vecCol, terms []knnTerm, err error) {
	head, rest, ok := strings.Cut(s, ";")
	n, err := strconv.Atoi(head)
	if !ok || err != nil {
		return nil, nil, fmt.Errorf("bad query plan %q", s)
	}
	vcol = t.user(n)
	if vcol == nil || vcol.kind != colVector {
		return nil, nil, fmt.Errorf("bad query plan %q", s)
	}
	for _, f := range strings.Split(rest, ",") {
		if f == "" {
			return nil, nil, fmt.Errorf("bad query plan %q", s)
		}
		switch f[0] {
		case 'm', 'k', 'r', 'R':
			if len(f) != 1 {
				return nil, nil, fmt.Errorf("bad query plan %q", s)
			}
			terms = append(terms, knnTerm{kind: f[0]})
		case 'd', 'q':
			ops := string([]byte{opGT, opGE, opLT, opLE})
			if f[0] == 'q' {
				ops += string(opNE)
			}
			if len(f) != 2 || !strings.ContainsRune(ops, rune(f[1])) {
				return nil, nil, fmt.Errorf("bad query plan %q", s)
			}
			terms = append(terms, knnTerm{kind: f[0], op: f[1]})
		case 'p', 'M':
			if len(f) < 3 {
				return nil, nil, fmt.Errorf("bad query plan %q", s)
			}
			c, err := strconv.Atoi(f[1 : len(f)-1])
			if err != nil || t.user(c) == nil {
				return nil, nil, fmt.Errorf("bad query plan %q", s)
			}
			want := colPartition
			if f[0] == 'M' {
				want = colMetadata
			}
			op := f[len(f)-1]
			isOp := op == opIS || op == opISNOT || op == opISNULL || op == opNOTNULL
			if t.user(c).kind != want || opSQL(op) == "=" && op != opEQ && op != opIN || isOp && want != colPartition {
				return nil, nil, fmt.Errorf("bad query plan %q", s)
			}
			terms = append(terms, knnTerm{kind: f[0], col: c, op: f[len(f)-1]})
		default:
			return nil, nil, fmt.Errorf("bad query plan %q", s)
		}
	}
	return vcol, terms, nil
}
