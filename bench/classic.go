package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The classic workloads follow cvilsmeier/go-sqlite-bench's definitions
// (its app/app.go): same schema, same statements, same shape of data and
// the same checks on what comes back, at sizes set by sizes.

const classicSchema = `
CREATE TABLE users (
	id INTEGER PRIMARY KEY NOT NULL,
	created INTEGER NOT NULL,
	email TEXT NOT NULL,
	active INTEGER NOT NULL);
CREATE INDEX users_created ON users(created);
CREATE TABLE articles (
	id INTEGER PRIMARY KEY NOT NULL,
	created INTEGER NOT NULL,
	userId INTEGER NOT NULL REFERENCES users(id),
	text TEXT NOT NULL);
CREATE INDEX articles_created ON articles(created);
CREATE INDEX articles_userId ON articles(userId);
CREATE TABLE comments (
	id INTEGER PRIMARY KEY NOT NULL,
	created INTEGER NOT NULL,
	articleId INTEGER NOT NULL REFERENCES articles(id),
	text TEXT NOT NULL);
CREATE INDEX comments_created ON comments(created);
CREATE INDEX comments_articleId ON comments(articleId);`

type user struct {
	id      int64
	created int64 // Unix milliseconds
	email   string
	active  bool
}

type article struct {
	id, created, userID int64
	text                string
}

type comment struct {
	id, created, articleID int64
	text                   string
}

// base is the creation time of the first row, in Unix milliseconds.
var base = time.Date(2023, 10, 1, 10, 0, 0, 0, time.UTC).UnixMilli()

func init() {
	workloads = append(workloads,
		&workload{group: "classic", name: "simple",
			about: func(s sizes) string {
				return fmt.Sprintf("insert %s users in one transaction, then read them all back (cvilsmeier: 1,000,000)", n(s.SimpleUsers))
			},
			run: runSimple, turns: true},
		&workload{group: "classic", name: "complex",
			about: func(s sizes) string {
				return fmt.Sprintf("insert %s users, %s articles, %s comments (one transaction each), then read them in one LEFT JOIN ordered by date (cvilsmeier: 200, 20,000, 400,000)",
					n(s.ComplexUsers), n(s.ComplexUsers*s.ComplexArticles), n(s.ComplexUsers*s.ComplexArticles*s.ComplexComments))
			},
			run: runComplex, turns: true},
		&workload{group: "classic", name: "many",
			about: func(s sizes) string {
				return fmt.Sprintf("read all N users, %s rows in all (%s/N queries), for N = %s; the time per query (cvilsmeier: 1,000 queries at every N)", n(s.ManyRows), n(s.ManyRows), ns(s.ManyUsers))
			},
			run: runMany, turns: true},
		&workload{group: "classic", name: "large",
			about: func(s sizes) string {
				return fmt.Sprintf("insert %s users whose email is N bytes, then read them all (the time of one read of 5), for N = %s (cvilsmeier: 10,000 users)", n(s.LargeRows), ns(s.LargeBytes))
			},
			run: runLarge, turns: true},
		&workload{group: "classic", name: "concurrent",
			about: func(s sizes) string {
				return fmt.Sprintf("insert %s users, then N goroutines, each with a *sql.DB of its own, read them all, for N = %s (cvilsmeier: 1,000,000 users)", n(s.ConcUsers), ns(s.ConcReaders))
			},
			run: runConcurrent, turns: true},
	)
}

// freshDB opens a new database file with the classic schema.
func (e *env) freshDB(name string) (*sql.DB, error) {
	db, err := e.open(name, openOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(e.ctx, classicSchema); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// insertUsers inserts users in one transaction with a prepared statement.
func insertUsers(ctx context.Context, db *sql.DB, users []user) error {
	return inTx(ctx, db, "INSERT INTO users(id,created,email,active) VALUES(?,?,?,?)", len(users),
		func(st *sql.Stmt, i int) error {
			u := users[i]
			_, err := st.ExecContext(ctx, u.id, u.created, u.email, u.active)
			return err
		})
}

// inTx runs one prepared statement n times in one transaction.
func inTx(ctx context.Context, db *sql.DB, query string, n int, exec func(*sql.Stmt, int) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	for i := range n {
		if err := exec(st, i); err != nil {
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

// findUsers reads users as cvilsmeier's FindUsers does.
func findUsers(ctx context.Context, db *sql.DB) ([]user, error) {
	rows, err := db.QueryContext(ctx, "SELECT id,created,email,active FROM users ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []user
	for rows.Next() {
		var u user
		if err := rows.Scan(&u.id, &u.created, &u.email, &u.active); err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

func makeUsers(count int, email func(i int) string) []user {
	users := make([]user, count)
	for i := range users {
		users[i] = user{id: int64(i + 1), created: base + int64(i)*60_000, email: email(i), active: true}
	}
	return users
}

func emailOf(i int) string { return fmt.Sprintf("user%08d@example.com", i+1) }

// checkUsers verifies what was read against what was written.
func checkUsers(got, want []user) error {
	if len(got) != len(want) {
		return fmt.Errorf("read %d users, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("user %d: read %+v, want %+v", i, got[i], want[i])
		}
	}
	return nil
}

func runSimple(e *env) error {
	users := makeUsers(e.job.Sizes.SimpleUsers, emailOf)
	var ins, qry []time.Duration
	for r := range e.job.Sizes.Reps {
		name := fmt.Sprint("simple", r)
		db, err := e.freshDB(name)
		if err != nil {
			return err
		}
		d, err := timed(func() error { return insertUsers(e.ctx, db, users) })
		if err != nil {
			return err
		}
		ins = append(ins, d)
		var got []user
		d, err = timed(func() (err error) {
			got, err = findUsers(e.ctx, db)
			return err
		})
		if err != nil {
			return err
		}
		qry = append(qry, d)
		if err := checkUsers(got, users); err != nil {
			return err
		}
		e.check("users", len(got))
		if err := db.Close(); err != nil {
			return err
		}
		removeDB(e.path(name))
	}
	e.ms("insert", fastest(ins))
	e.ms("query", fastest(qry))
	return nil
}

func runComplex(e *env) error {
	s := e.job.Sizes
	var users []user
	var articles []article
	var comments []comment
	for u := range s.ComplexUsers {
		uid := int64(u + 1)
		users = append(users, user{id: uid, created: base + uid*60_000, email: emailOf(u), active: uid%2 == 0})
		for range s.ComplexArticles {
			aid := int64(len(articles) + 1)
			articles = append(articles, article{id: aid, created: base + aid*60_000, userID: uid, text: "article text"})
			for range s.ComplexComments {
				cid := int64(len(comments) + 1)
				comments = append(comments, comment{id: cid, created: base + cid*60_000, articleID: aid, text: "comment text"})
			}
		}
	}
	const query = `SELECT
	users.id, users.created, users.email, users.active,
	articles.id, articles.created, articles.userId, articles.text,
	comments.id, comments.created, comments.articleId, comments.text
	FROM users
	LEFT JOIN articles ON articles.userId = users.id
	LEFT JOIN comments ON comments.articleId = articles.id
	ORDER BY users.created, articles.created, comments.created`
	var ins, qry []time.Duration
	for r := range s.Reps {
		name := fmt.Sprint("complex", r)
		db, err := e.freshDB(name)
		if err != nil {
			return err
		}
		d, err := timed(func() error {
			if err := insertUsers(e.ctx, db, users); err != nil {
				return err
			}
			err = inTx(e.ctx, db, "INSERT INTO articles(id,created,userId,text) VALUES(?,?,?,?)", len(articles), func(st *sql.Stmt, i int) error {
				a := articles[i]
				_, err := st.ExecContext(e.ctx, a.id, a.created, a.userID, a.text)
				return err
			})
			if err != nil {
				return err
			}
			return inTx(e.ctx, db, "INSERT INTO comments(id,created,articleId,text) VALUES(?,?,?,?)", len(comments), func(st *sql.Stmt, i int) error {
				c := comments[i]
				_, err := st.ExecContext(e.ctx, c.id, c.created, c.articleID, c.text)
				return err
			})
		})
		if err != nil {
			return err
		}
		ins = append(ins, d)

		var gu []user
		var ga []article
		var gc []comment
		d, err = timed(func() (err error) {
			gu, ga, gc, err = findJoined(e.ctx, db, query)
			return err
		})
		if err != nil {
			return err
		}
		qry = append(qry, d)
		if len(gu) != len(users) || len(ga) != len(articles) || len(gc) != len(comments) {
			return fmt.Errorf("join read %d users, %d articles, %d comments; want %d, %d, %d",
				len(gu), len(ga), len(gc), len(users), len(articles), len(comments))
		}
		for i := range gu {
			if gu[i] != users[i] {
				return fmt.Errorf("join: user %d is %+v, want %+v", i, gu[i], users[i])
			}
		}
		for i := range gc {
			if gc[i] != comments[i] {
				return fmt.Errorf("join: comment %d is %+v, want %+v", i, gc[i], comments[i])
			}
		}
		e.check("rows", fmt.Sprint(len(gu), len(ga), len(gc)))
		if err := db.Close(); err != nil {
			return err
		}
		removeDB(e.path(name))
	}
	e.ms("insert", fastest(ins))
	e.ms("query", fastest(qry))
	return nil
}

// findJoined reads the users, articles and comments of a LEFT JOIN, each once.
func findJoined(ctx context.Context, db *sql.DB, query string, args ...any) ([]user, []article, []comment, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	var users []user
	var articles []article
	var comments []comment
	seenU, seenA, seenC := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for rows.Next() {
		var u user
		var aID, aCreated, aUser, cID, cCreated, cArticle sql.NullInt64
		var aText, cText sql.NullString
		if err := rows.Scan(&u.id, &u.created, &u.email, &u.active,
			&aID, &aCreated, &aUser, &aText, &cID, &cCreated, &cArticle, &cText); err != nil {
			return nil, nil, nil, err
		}
		if !seenU[u.id] {
			seenU[u.id] = true
			users = append(users, u)
		}
		if aID.Valid && !seenA[aID.Int64] {
			seenA[aID.Int64] = true
			articles = append(articles, article{aID.Int64, aCreated.Int64, aUser.Int64, aText.String})
		}
		if cID.Valid && !seenC[cID.Int64] {
			seenC[cID.Int64] = true
			comments = append(comments, comment{cID.Int64, cCreated.Int64, cArticle.Int64, cText.String})
		}
	}
	return users, articles, comments, rows.Err()
}

func runMany(e *env) error {
	s := e.job.Sizes
	for _, count := range s.ManyUsers {
		users := makeUsers(count, emailOf)
		db, err := e.freshDB(fmt.Sprint("many", count))
		if err != nil {
			return err
		}
		if err := insertUsers(e.ctx, db, users); err != nil {
			return err
		}
		queries := max(1, s.ManyRows/count)
		var ds []time.Duration
		for range s.Reps {
			var got []user
			d, err := timed(func() (err error) {
				for range queries {
					if got, err = findUsers(e.ctx, db); err != nil {
						return err
					}
					if len(got) != count {
						return fmt.Errorf("read %d users, want %d", len(got), count)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			ds = append(ds, d)
			if err := checkUsers(got, users); err != nil {
				return err
			}
		}
		e.sample(fmt.Sprintf("query N=%s", n(count)), "µs/query", -1, float64(fastest(ds))/float64(time.Microsecond)/float64(queries))
		if err := db.Close(); err != nil {
			return err
		}
	}
	return nil
}

func runLarge(e *env) error {
	s := e.job.Sizes
	for _, size := range s.LargeBytes {
		big := strings.Repeat("a", size)
		users := makeUsers(s.LargeRows, func(int) string { return big })
		var ins, qry []time.Duration
		for r := range s.Reps {
			name := fmt.Sprint("large", size, "-", r)
			db, err := e.freshDB(name)
			if err != nil {
				return err
			}
			d, err := timed(func() error { return insertUsers(e.ctx, db, users) })
			if err != nil {
				return err
			}
			ins = append(ins, d)
			// A read takes a few milliseconds: the table is read
			// largePasses times over, for a measurement a tick
			// cannot make.
			const largePasses = 5
			var got []user
			d, err = timed(func() (err error) {
				for range largePasses {
					if got, err = findUsers(e.ctx, db); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			qry = append(qry, d/largePasses)
			if err := checkUsers(got, users); err != nil {
				return err
			}
			if err := db.Close(); err != nil {
				return err
			}
			// The files are large: free the disk before the next one.
			removeDB(e.path(name))
		}
		e.ms(fmt.Sprintf("insert N=%s", n(size)), fastest(ins))
		e.ms(fmt.Sprintf("query N=%s", n(size)), fastest(qry))
	}
	return nil
}

func runConcurrent(e *env) error {
	s := e.job.Sizes
	users := makeUsers(s.ConcUsers, func(i int) string { return fmt.Sprintf("user%d@example.com", i+1) })
	db, err := e.freshDB("concurrent")
	if err != nil {
		return err
	}
	if err := insertUsers(e.ctx, db, users); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	for _, readers := range s.ConcReaders {
		var ds []time.Duration
		for range s.Reps {
			d, err := timed(func() error {
				errs := make(chan error, readers)
				var wg sync.WaitGroup
				for range readers {
					wg.Go(func() {
						db, err := e.open("concurrent", openOptions{})
						if err != nil {
							errs <- err
							return
						}
						defer db.Close()
						got, err := findUsers(e.ctx, db)
						if err == nil {
							err = checkUsers(got, users)
						}
						if err != nil {
							errs <- err
						}
					})
				}
				wg.Wait()
				close(errs)
				return <-errs
			})
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
		e.ms(fmt.Sprintf("query N=%d", readers), fastest(ds))
	}
	return nil
}

// n formats a count with thousands separators.
func n(v int) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func ns(vs []int) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = n(v)
	}
	return strings.Join(out, ", ")
}
