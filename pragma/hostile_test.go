package pragma_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqlitekit/sqlitekit/pragma"
)

// A huge name or value gives a short error, at once.
func TestParse_hugeInput(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("journal_mode", 1<<20/12)
	for _, dsn := range []string{
		"file:x.db?_pragma=" + huge + "(wal)",
		"file:x.db?_pragma=" + huge,
		"file:x.db?" + huge + "=1",
		"file:x.db?_pragma=busy_timeout(" + huge + ")",
		"file:x.db?_pragma=user_version(" + huge + "!)",
		"file:x.db?_timefmt=" + huge,
		"file:x.db?_txlock=" + huge,
		"file://" + huge + "/x.db",
	} {
		_, err := pragma.Parse(dsn)
		if err == nil {
			t.Errorf("Parse(%.40q...): no error", dsn)
			continue
		}
		if n := len(err.Error()); n > 1000 {
			t.Errorf("Parse(%.40q...): a %d-byte error: %.200s...", dsn, n, err)
		}
	}
}

// The values of the encryption key PRAGMAs never appear in an error.
func TestParse_keysNotInErrors(t *testing.T) {
	t.Parallel()
	const secret = "correct horse battery"
	for _, name := range []string{"key", "hexkey", "textkey", "rekey", "hexrekey", "textrekey", "KEY", " textkey "} {
		for _, form := range []string{
			"_pragma=%s(" + secret + ")",
			"_pragma=%s=" + secret + ";x",
			"_pragma=%s('" + secret + "'",
			"_pragma=%s('" + secret + "')&_pragma=%s('" + secret + "')x",
			"_pragma=%s('" + secret + "%%zz')",
			"_pragma=%s(" + url.QueryEscape(secret) + "",
		} {
			dsn := "file:x.db?" + strings.ReplaceAll(form, "%s", url.QueryEscape(name))
			dsn = strings.ReplaceAll(dsn, "%%", "%")
			_, err := pragma.Parse(dsn)
			if err == nil {
				t.Errorf("Parse(%q): no error", dsn)
				continue
			}
			perr := new(pragma.Error)
			if !errors.As(err, &perr) {
				t.Errorf("Parse(%q) = %T, not a *pragma.Error", dsn, err)
			} else if strings.Contains(err.Error(), "horse") || strings.Contains(perr.Value, "horse") {
				t.Errorf("Parse(%q) = %q (Value %q): the key is in the error", dsn, err, perr.Value)
			}
		}
	}
	for _, name := range []string{"key", "hexkey", "textkey"} {
		c := pragma.Config{Path: "x.db", Extra: []pragma.Pragma{{Name: name, Value: secret}}}
		err := c.Validate()
		if err == nil || strings.Contains(err.Error(), "horse") {
			t.Errorf("Validate with %s %q = %v", name, secret, err)
		}
	}
}

// A value that holds what a DSN parser splits on survives String: ncruces
// gives the engine each _pragma of url.Parse(dsn).Query(), which drops a
// parameter holding a ';'.
func TestConfig_String_separators(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"'pass;word'", "'a&b=c+d#e%f g'", "'semi;colon;;'", `"q;'"`, "'it''s;'"} {
		c := pragma.Default()
		c.Path = "x;y.db"
		c.Extra = []pragma.Pragma{{Name: "textkey", Value: v}}
		dsn := c.String()
		u, err := url.Parse(dsn)
		if err != nil {
			t.Errorf("url.Parse(%q): %v", dsn, err)
			continue
		}
		if got := u.Query()["_pragma"]; len(got) == 0 || got[0] != "textkey("+v+")" {
			t.Errorf("String() = %q: the engine reads _pragma %q, want textkey(%s) first", dsn, got, v)
		}
		back, err := pragma.Parse(dsn)
		if err != nil {
			t.Errorf("Parse(%q): %v", dsn, err)
		} else if diff := cmp.Diff(c, back); diff != "" {
			t.Errorf("Parse(String()) (-want +got):\n%s", diff)
		}
	}
}
