package pragma

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
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
	// Value is the value given, if any; never the value of an
	// encryption key (key, hexkey, textkey, rekey, ...).
	Value string
	// Err is one of ErrInvalidValue, ErrUnknownPragma,
	// ErrUnknownParameter or ErrUnsupportedParameter.
	Err error
	// Reason explains the problem, for people.
	Reason string
}

// Error returns "pragma: NAME: REASON". A long name is cut short.
func (e *Error) Error() string {
	return "pragma: " + clip(e.Name) + ": " + e.Reason
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// invalid is the error for a bad value. Strings in args are cut short;
// the value of an encryption key is not kept (callers do not format it).
func invalid(name, value, format string, args ...any) error {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = clip(s)
		}
	}
	if secret(name) {
		value = ""
	}
	return &Error{Name: name, Value: value, Err: ErrInvalidValue, Reason: fmt.Sprintf(format, args...)}
}

// maxQuoted bounds the names and values an error message quotes.
const maxQuoted = 64

// clip returns s, or its first maxQuoted bytes (whole characters) and
// how long it was.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	n := maxQuoted
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s... (%d bytes)", s[:n], len(s))
}

// secret reports whether name is, or may be, an encryption key PRAGMA
// (key, hexkey, textkey, and SQLite encryption extensions' rekey,
// hexrekey, textrekey): its value must never appear in an error, which
// programs log.
func secret(name string) bool {
	return strings.Contains(strings.ToLower(name), "key")
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
	if len(name) > maxQuoted {
		return "" // far from every name; and the distance costs len(name) per byte of a candidate
	}
	name = strings.ToLower(name)
	best, bestDist := "", len(name)/3+1
	for _, c := range candidates {
		if abs(len(name)-len(c)) >= bestDist {
			continue // the distance is at least the difference in length
		}
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func abs(n int) int { return max(n, -n) }

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
