package pragma

import "slices"

// Pragmas returns the PRAGMAs a connection runs to apply c, in the order
// it runs them: the encryption keys of Extra first (a VFS needs them
// before it reads a page), then the fields of Config (the busy timeout
// first, so that the others wait for locks; query_only last), then the
// rest of Extra, in their order. A field that is not set is left out: the
// setting stays SQLite's default, or what the file already has.
//
// Package driver applies these to each new connection, one at a time, so
// that an error names the PRAGMA that failed.
func (c Config) Pragmas() []Pragma {
	var ps []Pragma
	extra := c.Extra
	for len(extra) > 0 && slices.Contains(vfsPragmas, extra[0].Name) {
		ps = append(ps, extra[0])
		extra = extra[1:]
	}
	d := Default()
	for _, name := range typed {
		f := fields[name]
		v, set := f.format(&c)
		// A boolean (no clear) that Default sets is written even when
		// false: false is a setting.
		if _, def := f.format(&d); set || def && f.clear == nil {
			ps = append(ps, Pragma{Name: name, Value: v})
		}
	}
	return append(ps, extra...)
}
