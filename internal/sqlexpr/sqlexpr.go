// Package sqlexpr checks the SQL expressions that sqlitekit's helpers
// accept from callers (ext/vector's TopKOptions.Filter, ext/trigram's
// SearchOptions.Filter), with one rule for all of them.
package sqlexpr

import (
	"errors"
	"fmt"
	"strings"
)

// Check reports whether expr is one SQL expression that cannot end the
// parentheses a helper puts it in: parentheses balance outside literals,
// quoted identifiers and comments, none of those is left open, and there
// is no semicolon or NUL byte. The helper writes "(" + expr + "\n)", so
// that a trailing "--" comment ends at the newline. A numbered parameter
// (?1) is refused: the helper numbers its own parameters around the
// filter's, so ?1 would be one of them; ? and named parameters (:name,
// @name, $name) are fine.
//
// Check does not make a filter built from untrusted input safe: values
// go in arguments, never into the text.
func Check(expr string) error {
	depth := 0
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '\'', '"', '`', '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			j := strings.IndexByte(expr[i+1:], closer)
			if j < 0 {
				return fmt.Errorf("unterminated %c", c)
			}
			i += j + 1 // a doubled quote reads as two literals: same effect
		case '-':
			if i+1 < len(expr) && expr[i+1] == '-' {
				j := strings.IndexByte(expr[i:], '\n')
				if j < 0 {
					i = len(expr) // the helper ends the expression with a newline
					break
				}
				i += j
			}
		case '/':
			if i+1 < len(expr) && expr[i+1] == '*' {
				j := strings.Index(expr[i+2:], "*/")
				if j < 0 {
					return errors.New("unterminated /* comment")
				}
				i += j + 3
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return errors.New("unbalanced )")
			}
		case '?':
			j := i + 1
			for j < len(expr) && '0' <= expr[j] && expr[j] <= '9' {
				j++
			}
			if j > i+1 {
				return fmt.Errorf("numbered parameter %s: use ? or a named parameter (:name); the helper numbers its own parameters around the filter's", expr[i:j])
			}
		case ';':
			return errors.New("semicolon")
		case 0:
			return errors.New("NUL byte")
		}
	}
	if depth != 0 {
		return errors.New("unbalanced (")
	}
	return nil
}
