package driver

import "testing"

func TestBlank(t *testing.T) {
	for sql, want := range map[string]bool{
		"":                     true,
		" ;\n;\t":              true,
		"-- done":              true,
		"-- a\n; /* b */ ;":    true,
		"/* open comment":      true,
		"; -- x\nSELECT 1":     false,
		"-":                    false,
		"/ ":                   false,
		"SELECT 1":             false,
		"/* c */ x":            false,
		"-- a\n-- b\n\n;/**/;": true,
	} {
		if got := blank(sql); got != want {
			t.Errorf("blank(%q) = %v", sql, got)
		}
	}
}

func TestMayHaveParams(t *testing.T) {
	for sql, want := range map[string]bool{
		"SELECT 1":                       false,
		"SELECT ?":                       true,
		"SELECT ?3":                      true,
		"SELECT :a":                      true,
		"SELECT @a":                      true,
		"SELECT $a":                      true,
		"SELECT a$b FROM t":              false,
		"SELECT '?', ':a' FROM t":        false,
		"SELECT 'it''s ?'":               false,
		`SELECT "?" FROM [?] , ` + "`?`": false,
		"SELECT 1 -- ?\n":                false,
		"SELECT 1 -- ?\n, ?":             true,
		"SELECT 1 /* ? */":               false,
		"SELECT 1 /* ? */, :x":           true,
		"SELECT 'open ?":                 false,
	} {
		if got := mayHaveParams(sql); got != want {
			t.Errorf("mayHaveParams(%q) = %v", sql, got)
		}
	}
}
