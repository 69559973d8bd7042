package replica_test

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sqlitekit/sqlitekit/internal/testdb"
	"github.com/sqlitekit/sqlitekit/replica"
)

// sqlite3 runs the sqlite3 CLI on the database at path, which it takes
// as it is, byte for byte.
func sqlite3(t *testing.T, path, sql string) string {
	t.Helper()
	out, err := exec.Command(testdb.CLI(t), path, sql).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3 %q: %v: %s", path, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Database paths and replica URLs reach Litestream as they are: nothing
// in them is expanded as an environment variable, or read as YAML.
// Litestream replicates the database named, to the place named, and a
// restore from that URL gives it back.
//
// Not parallel: it sets environment variables, which Litestream would
// expand.
func TestStart_literalPaths(t *testing.T) {
	bin := binary(t)
	t.Setenv("SQLITEKIT_TENANT", "other")
	t.Setenv("SQLITEKIT_SECRET", "hunter2")

	for _, tt := range []struct {
		name, file, url string // url: a directory under the test's, or a URL
	}{
		{"dollar", "acme$SQLITEKIT_TENANT.db", "backups-$SQLITEKIT_SECRET"},
		{"braces", "acme${SQLITEKIT_TENANT}.db", "backups/${SQLITEKIT_SECRET}"},
		{"yaml", `it's "quoted": - [no] {map} & *alias !tag | > \ .db`, `it's "quoted" # not a comment: no`},
		{"spaces", "new\nline\tand  spaces .db", " spaces and %0A an escaped newline "},
		{"unset", "acme$NOT_SET_ANYWHERE.db", "backup-${NOT_SET_ANYWHERE}-$$"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			path := filepath.Join(base, tt.file)
			// Decoys: the files the expanded names would be.
			for _, decoy := range []string{"acme.db", "acmeother.db", "acme$.db"} {
				sqlite3(t, filepath.Join(base, decoy), "PRAGMA journal_mode=WAL; CREATE TABLE decoy(x)")
			}
			sqlite3(t, path, "PRAGMA journal_mode=WAL; CREATE TABLE mine(name); INSERT INTO mine VALUES ('"+tt.name+"')")
			url := "file://" + filepath.Join(base, tt.url)

			r, err := replica.Start(t.Context(), path, url, &replica.Options{Binary: bin, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if err := r.Sync(t.Context()); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if err := r.Close(); err != nil {
				t.Error(err)
			}

			out := filepath.Join(t.TempDir(), "restored.db")
			if err := replica.Restore(t.Context(), url, out, &replica.RestoreOptions{Binary: bin}); err != nil {
				t.Fatal(err)
			}
			if got := sqlite3(t, out, "SELECT name FROM mine"); got != tt.name {
				t.Errorf("restored %q, want %q", got, tt.name)
			}
			for _, decoy := range []string{"acme.db", "acmeother.db", "acme$.db"} {
				if got := sqlite3(t, filepath.Join(base, decoy), "SELECT group_concat(name) FROM sqlite_schema"); got != "decoy" {
					t.Errorf("Litestream touched %s: its tables are %s", decoy, got)
				}
			}
			filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
				name := d.Name()
				if strings.Contains(name, "hunter2") ||
					strings.HasSuffix(name, "-litestream") && name != "."+tt.file+"-litestream" {
					t.Errorf("written to %q", p)
				}
				return nil
			})
		})
	}

	// Litestream opens the database as an SQLite URI: a path where "?",
	// "#" or "%HH" would name another file is refused, by name.
	t.Run("URI path", func(t *testing.T) {
		for _, file := range []string{"a#b.db", "a?mode=ro.db", "a%41.db"} {
			path := filepath.Join(t.TempDir(), file)
			sqlite3(t, path, "PRAGMA journal_mode=WAL")
			_, err := replica.Start(t.Context(), path, "file://"+t.TempDir(), &replica.Options{Binary: bin, Logger: quiet})
			if err == nil || !strings.Contains(err.Error(), strconv.Quote(path)) {
				t.Errorf("Start on %q: %v, want an error naming it", file, err)
			}
		}
	})

	// A URL cannot hold a raw newline: Start says so at once instead of
	// waiting for a Litestream that cannot start.
	t.Run("bad URL", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "app.db")
		sqlite3(t, path, "PRAGMA journal_mode=WAL")
		var log strings.Builder // written to before Start returns, read after
		start := time.Now()
		_, err := replica.Start(t.Context(), path, "file:///tmp/a\nb", &replica.Options{Binary: bin,
			Logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err == nil || !strings.Contains(err.Error(), "invalid control character") {
			t.Errorf("Start with a newline in the URL: %v, want Litestream's complaint", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Start took %v to fail", d)
		}
		// Litestream's "Error: …" line went to the logger as an error.
		if !regexp.MustCompile(`level=ERROR msg=litestream db=\S+ line="Error: .*invalid control character`).MatchString(log.String()) {
			t.Errorf("the log:\n%s", log.String())
		}
	})
}

// A name that is not UTF-8 cannot reach Litestream (its configuration and
// its control socket carry names as UTF-8 text): Start refuses it and
// says which.
func TestStart_notUTF8(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "caf\xe9.db")
	sqlite3(t, path, "PRAGMA journal_mode=WAL; CREATE TABLE t(x)")
	sqlite3(t, filepath.Join(dir, "café.db"), "PRAGMA journal_mode=WAL; CREATE TABLE decoy(x)")

	_, err := replica.Start(t.Context(), path, "file://"+t.TempDir(), &replica.Options{Binary: bin, Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), `caf\xe9.db`) || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("Start on %q: %v, want an error naming it", path, err)
	}

	ok := filepath.Join(dir, "ok.db")
	sqlite3(t, ok, "PRAGMA journal_mode=WAL")
	url := "file://" + filepath.Join(t.TempDir(), "caf\xe9")
	_, err = replica.Start(t.Context(), ok, url, &replica.Options{Binary: bin, Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), `caf\xe9`) || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("Start to %q: %v, want an error naming it", url, err)
	}
}

// Start checks what it can of the settings Litestream needs: the file is
// an SQLite database, and in WAL mode.
func TestStart_checksDatabase(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	rollback := filepath.Join(dir, "rollback.db")
	sqlite3(t, rollback, "CREATE TABLE t(x)")
	text := filepath.Join(dir, "text.db")
	if err := os.WriteFile(text, []byte("this is not a database, but a long enough text file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.db")

	for _, tt := range []struct {
		path string
		want []string
		is   error
	}{
		{rollback, []string{rollback, "journal_mode=WAL"}, nil},
		{text, []string{text, "not an SQLite database"}, nil},
		{missing, []string{missing}, fs.ErrNotExist},
	} {
		_, err := replica.Start(t.Context(), tt.path, "file://"+t.TempDir(), &replica.Options{Binary: bin, Logger: quiet})
		if err == nil {
			t.Errorf("Start on %s: no error", filepath.Base(tt.path))
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Start on %s: %v; want it to say %q", filepath.Base(tt.path), err, w)
			}
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Start on %s: %v; want errors.Is %v", filepath.Base(tt.path), err, tt.is)
		}
	}
	// The rollback database was left alone.
	if got := sqlite3(t, rollback, "PRAGMA journal_mode"); got != "delete" {
		t.Errorf("journal_mode of the refused database: %s", got)
	}
}
