package sqlexpr

import "testing"

func TestCheck(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]string{
		"":                          "",
		"lang = ?":                  "",
		"a IN (1, 2) AND (b OR c)":  "",
		"x = ')' AND y = \"(\"":     "",
		"[weird)name] = 1":          "",
		"x = 1 -- a comment )":      "",
		"x = 1 /* ) */":             "",
		"x = 'it''s'":               "",
		"1) OR (1":                  "unbalanced )",
		"(x = 1":                    "unbalanced (",
		"x = 1; DROP TABLE t":       "semicolon",
		"x = 'open":                 "unterminated '",
		"x = \"open":                "unterminated \"",
		"[open":                     "unterminated [",
		"x = 1 /* open":             "unterminated /* comment",
		"x = 1 -- c\n) OR (1":       "unbalanced )",
		"x = 1\x00":                 "NUL byte",
		"x = 1 /* a */ ) UNION ( 1": "unbalanced )",
		// A trailing comment does not hide an open parenthesis.
		"(x = 1 -- c":              "unbalanced (",
		"x IN (SELECT y FROM t --": "unbalanced (",
		// The helper numbers its own parameters around the filter's:
		// ?1 would be the helper's first one (TopK's query vector).
		"lang = ?1":                       "numbered parameter ?1: use ? or a named parameter (:name); the helper numbers its own parameters around the filter's",
		"a = ? AND b = ?12":               "numbered parameter ?12: use ? or a named parameter (:name); the helper numbers its own parameters around the filter's",
		"x = '?1' AND y = \"?2\" -- ?3":   "",
		"lang = :l AND n = @n AND m = $m": "",
	} {
		got := ""
		if err := Check(expr); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("Check(%q) = %q, want %q", expr, got, want)
		}
	}
}
