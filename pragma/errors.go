package pragma

import (
	"errors"
	"fmt"
	"strings"
)

// Errors that [Parse] and [Config.Validate] return, wrapped in an [*Error]:
// match them with errors.Is.
var (
	// ErrInvalidValue: a known PRAGMA or DSN parameter has a value it
	// does not accept.
	ErrInvalidValue = errors.New("invalid value")
	// ErrUnknownPragma: a PRAGMA name SQLite does not know. SQLite itself
	// silently ignores such a PRAGMA, which is how misspellings go unseen.
	ErrUnknownPragma = errors.New("unknown pragma")
	// ErrUnknownParameter: a DSN parameter that none of the supported
	// dialects knows.
	ErrUnknownParameter = errors.New("unknown DSN parameter")
	// ErrUnsupportedParameter: a DSN parameter of another driver that
	// sqlitekit does not support; the error says what to use instead.
	ErrUnsupportedParameter = errors.New("unsupported DSN parameter")
)

// Error describes what is wrong with a DSN or a [Config]:
// which PRAGMA or parameter, which value, and why.
type Error struct {
	// Name is the PRAGMA, DSN parameter or Config field at fault.
	Name string
	// Value is the value given, if any.
	Value string
	// Err is one of ErrInvalidValue, ErrUnknownPragma,
	// ErrUnknownParameter or ErrUnsupportedParameter.
	Err error
	// Reason explains the problem, for people.
	Reason string
}

// Error returns "pragma: NAME: REASON".
func (e *Error) Error() string {
	return "pragma: " + e.Name + ": " + e.Reason
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

func invalid(name, value, format string, args ...any) error {
	return &Error{Name: name, Value: value, Err: ErrInvalidValue, Reason: fmt.Sprintf(format, args...)}
}

// notOneOf is the error for a value outside an enumeration.
func notOneOf(name, value string, allowed ...string) error {
	return invalid(name, value, "%q is not one of %s", value, strings.Join(allowed, ", "))
}

func unknown(kind error, name string, candidates []string) error {
	reason := kind.Error()
	if s := suggest(name, candidates); s != "" {
		reason += "; did you mean " + s + "?"
	}
	return &Error{Name: name, Err: kind, Reason: reason}
}

// suggest returns the candidate nearest to name, or "" if none is near.
func suggest(name string, candidates []string) string {
	name = strings.ToLower(name)
	best, bestDist := "", len(name)/3+1
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
