package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sqlitekit/sqlitekit/ext/vector"
)

// agentSizes are the sizes of the agent-memory workload.
type agentSizes struct {
	Sessions int // seeded sessions
	Messages int // seeded messages per session, each with its parts and an embedding
	Dims     int // of the embeddings
	Queries  int // top-10 queries per vector way
	Readers  int // goroutines streaming sessions while the writer appends
	Time     time.Duration
}

func init() {
	workloads = append(workloads, &workload{group: "agent", name: "store",
		about: func(s sizes) string {
			a := s.Agent
			return fmt.Sprintf("the store of a coding agent, in plain SQL: sessions (a title), messages, their parts (text, tool call, tool result, 50 to 800 bytes each, in order) and one embedding per message (%d float32, with a kind as metadata); "+
				"seeded with %s sessions of %d messages. First, alone: top-10 messages of one kind nearest to a query vector, %d queries per way (%s). "+
				"Then for %v: one writer appends messages (one transaction: the message, its 3 parts, its embedding, the session's time) while %d readers each stream a random session's parts in order "+
				"(a JOIN of messages and parts ordered by message and part) and one more searches session titles by substring (`title LIKE '%%q%%'`, the 20 most recent). "+
				"Per kind of operation: operations per second and the 99th percentile of its latency",
				a.Dims, n(a.Sessions), a.Messages, a.Queries, vectorWaysNames(), a.Time, a.Readers)
		},
		run: runAgent, turns: true})
}

func vectorWaysNames() string {
	var names []string
	for _, w := range vectorWays {
		names = append(names, w.name)
	}
	return strings.Join(names, ", ")
}

const agentSchema = `
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL);
CREATE INDEX sessions_updated ON sessions(updated);
CREATE TABLE messages (
	id INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES sessions(id),
	role TEXT NOT NULL,
	created INTEGER NOT NULL);
CREATE INDEX messages_session ON messages(session_id, id);
CREATE TABLE parts (
	id INTEGER PRIMARY KEY,
	message_id INTEGER NOT NULL REFERENCES messages(id),
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,
	body TEXT NOT NULL);
CREATE INDEX parts_message ON parts(message_id, seq);
CREATE TABLE embeddings (
	message_id INTEGER PRIMARY KEY REFERENCES messages(id),
	kind TEXT NOT NULL,
	emb BLOB NOT NULL);
CREATE INDEX embeddings_kind ON embeddings(kind);`

var (
	agentKinds = []string{"code", "chat", "plan", "error"}
	partKinds  = []string{"text", "tool_call", "tool_result"}
	titleWords = strings.Fields("fix flaky parser test migrate schema refactor logging add retry backoff " +
		"cache invalidation upgrade dependencies rename config loader review pull request deploy staging " +
		"profile memory leak index search trigram vector embeddings release notes write docs benchmark " +
		"harness driver pragma checkpoint replica restore backup crash recovery timeout deadlock")
)

// agentGen makes the seeded data and what the writer appends.
type agentGen struct {
	rng   *rand.Rand
	words []string
	dims  int
}

func newAgentGen(seed uint64, dims int) *agentGen {
	g := &agentGen{rng: rand.New(rand.NewPCG(seed, 7)), dims: dims}
	const letters = "etaoinshrdlcumwfgypbvkjxqz"
	for range 3000 {
		b := make([]byte, 2+g.rng.IntN(9))
		for j := range b {
			b[j] = letters[min(g.rng.IntN(len(letters)), g.rng.IntN(len(letters)))]
		}
		g.words = append(g.words, string(b))
	}
	return g
}

func (g *agentGen) title() string {
	ws := make([]string, 3+g.rng.IntN(4))
	for i := range ws {
		ws[i] = titleWords[g.rng.IntN(len(titleWords))]
	}
	return strings.Join(ws, " ")
}

func (g *agentGen) body() string {
	size := 50 + g.rng.IntN(750)
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(g.words[min(g.rng.IntN(len(g.words)), g.rng.IntN(len(g.words)))])
		b.WriteByte(' ')
	}
	return b.String()
}

func (g *agentGen) embedding() []byte {
	v := make([]float32, g.dims)
	for i := range v {
		v[i] = float32(g.rng.NormFloat64())
	}
	return vector.Encode(v)
}

// appendMessage writes one message with its parts and embedding in one
// transaction, as an agent records a turn.
func (g *agentGen) appendMessage(ctx context.Context, db *sql.DB, session int64, at int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	role := "assistant"
	if g.rng.IntN(2) == 0 {
		role = "user"
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO messages(session_id, role, created) VALUES(?, ?, ?)", session, role, at)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for seq, kind := range partKinds {
		if _, err := tx.ExecContext(ctx, "INSERT INTO parts(message_id, seq, kind, body) VALUES(?, ?, ?, ?)", id, seq, kind, g.body()); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO embeddings(message_id, kind, emb) VALUES(?, ?, ?)", id, agentKinds[g.rng.IntN(len(agentKinds))], g.embedding()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE sessions SET updated = ? WHERE id = ?", at, session); err != nil {
		return err
	}
	return tx.Commit()
}

// streamSession reads a session's parts in order, as a UI or a prompt
// builder does, and returns how many parts and bytes it read.
func streamSession(ctx context.Context, db *sql.DB, session int64) (parts, bytes int, err error) {
	rows, err := db.QueryContext(ctx, `SELECT m.id, m.role, p.seq, p.kind, p.body
	FROM messages m JOIN parts p ON p.message_id = m.id
	WHERE m.session_id = ?
	ORDER BY m.id, p.seq`, session)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	lastID, lastSeq := int64(-1), int64(-1)
	for rows.Next() {
		var id, seq int64
		var role, kind, body string
		if err := rows.Scan(&id, &role, &seq, &kind, &body); err != nil {
			return 0, 0, err
		}
		if id < lastID || (id == lastID && seq <= lastSeq) {
			return 0, 0, fmt.Errorf("session %d: part (%d, %d) after (%d, %d)", session, id, seq, lastID, lastSeq)
		}
		lastID, lastSeq = id, seq
		parts++
		bytes += len(body)
	}
	return parts, bytes, rows.Err()
}

// searchTitles finds the 20 most recently updated sessions whose title
// contains q.
func searchTitles(ctx context.Context, db *sql.DB, q string) (int, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, title FROM sessions WHERE title LIKE ? ORDER BY updated DESC LIMIT 20", "%"+q+"%")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	count := 0
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return 0, err
		}
		if !strings.Contains(title, q) {
			return 0, fmt.Errorf("title search %q found %q", q, title)
		}
		count++
	}
	return count, rows.Err()
}

// opStats collects the latencies of one kind of operation.
type opStats struct {
	mu  sync.Mutex
	lat []time.Duration
}

func (o *opStats) add(lat []time.Duration) {
	o.mu.Lock()
	o.lat = append(o.lat, lat...)
	o.mu.Unlock()
}

// opFigures records the operations per second over elapsed and the p99 of
// their latencies.
func (e *env) opFigures(name string, lat []time.Duration, elapsed time.Duration) {
	slices.Sort(lat)
	e.sample(name, "ops/s", +1, float64(len(lat))/elapsed.Seconds())
	e.sample(name+" p99", "ms", -1, ms(quantile(lat, 0.99)))
}

// opNA records that the operations of name have no figures, and why.
func (e *env) opNA(name, why string) {
	e.na(name, "ops/s", +1, why)
	e.na(name+" p99", "ms", -1, why)
}

func runAgent(e *env) error {
	a := e.job.Sizes.Agent
	db, err := e.open("agent", openOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(e.ctx, agentSchema); err != nil {
		return err
	}

	// Seed: the same data on every driver.
	g := newAgentGen(1, a.Dims)
	tx, err := db.BeginTx(e.ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	msgID := int64(0)
	for s := range a.Sessions {
		sid := int64(s + 1)
		at := base + sid*60_000
		if _, err := tx.ExecContext(e.ctx, "INSERT INTO sessions(id, title, created, updated) VALUES(?, ?, ?, ?)", sid, g.title(), at, at); err != nil {
			return err
		}
		for range a.Messages {
			msgID++
			if _, err := tx.ExecContext(e.ctx, "INSERT INTO messages(id, session_id, role, created) VALUES(?, ?, ?, ?)", msgID, sid, []string{"user", "assistant"}[msgID%2], at+msgID); err != nil {
				return err
			}
			for seq, kind := range partKinds[:1+g.rng.IntN(len(partKinds))] {
				if _, err := tx.ExecContext(e.ctx, "INSERT INTO parts(message_id, seq, kind, body) VALUES(?, ?, ?, ?)", msgID, seq, kind, g.body()); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(e.ctx, "INSERT INTO embeddings(message_id, kind, emb) VALUES(?, ?, ?)", msgID, agentKinds[g.rng.IntN(len(agentKinds))], g.embedding()); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	var seededParts int64
	if err := db.QueryRowContext(e.ctx, "SELECT count(*) FROM parts").Scan(&seededParts); err != nil {
		return err
	}

	// What every driver must find the same, before the writer changes
	// anything.
	parts, bytes, err := streamSession(e.ctx, db, 1)
	if err != nil {
		return err
	}
	e.check("session 1", fmt.Sprint(parts, " parts, ", bytes, " bytes"))
	titles, err := searchTitles(e.ctx, db, "pars")
	if err != nil {
		return err
	}
	e.check("titles", titles)

	// Top-10 with a metadata filter, alone, each way the driver has.
	qgen := newAgentGen(2, a.Dims)
	queries := make([][]float32, a.Queries)
	for i := range queries {
		queries[i], err = vector.Decode(qgen.embedding())
		if err != nil {
			return err
		}
	}
	tableOf := func(i int) vecTable {
		return vecTable{table: "embeddings", id: "message_id", emb: "emb", where: "kind = ?", args: []any{agentKinds[i%len(agentKinds)]}}
	}
	want := make([]string, len(queries))
	for _, w := range vectorWays {
		name := "top-10, " + w.name
		if why := w.missing(e.peer); why != "" {
			e.opNA(name, why)
			continue
		}
		if w.prepare != nil {
			if err := w.prepare(e.ctx, db, tableOf(0)); err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
		}
		turn()
		runtime.GC()
		var lat []time.Duration
		t0 := time.Now()
		for i, q := range queries {
			t := time.Now()
			ids, err := w.topK(e.ctx, db, tableOf(i), q, 10)
			if err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			lat = append(lat, time.Since(t))
			if len(ids) != 10 {
				return fmt.Errorf("%s: query %d found %d rows, want 10", w.name, i, len(ids))
			}
			if want[i] == "" {
				want[i] = fmt.Sprint(ids)
			} else if got := fmt.Sprint(ids); got != want[i] {
				return fmt.Errorf("%s: top-10 of query %d is %s, another way found %s", w.name, i, got, want[i])
			}
		}
		e.opFigures(name, lat, time.Since(t0))
	}
	e.check("top10", want[0])

	// One writer appends while readers stream sessions and search titles.
	turn() // before the window opens: waiting for a turn is not in it
	ctx, cancel := context.WithTimeout(e.ctx, a.Time)
	defer cancel()
	var appendOps, streamOps, searchOps opStats
	errs := make(chan error, a.Readers+2)
	var wg sync.WaitGroup
	runtime.GC()
	t0 := time.Now()
	wg.Go(func() {
		w := newAgentGen(uint64(3+e.job.Round), a.Dims)
		var lat []time.Duration
		for i := int64(0); i == 0 || ctx.Err() == nil; i++ { // at least once, however late it starts
			// Recent sessions get most of the messages.
			session := int64(a.Sessions - min(w.rng.IntN(a.Sessions), w.rng.IntN(a.Sessions)))
			t := time.Now()
			// On e.ctx: the end of the run is not a failed append.
			if err := w.appendMessage(e.ctx, db, session, base+int64(a.Sessions+1)*60_000+i); err != nil {
				errs <- fmt.Errorf("append: %w", err)
				return
			}
			lat = append(lat, time.Since(t))
		}
		appendOps.add(lat)
	})
	for r := range a.Readers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(e.job.Round), uint64(10+r)))
			var lat []time.Duration
			for first := true; first || ctx.Err() == nil; first = false { // at least once, however late it starts
				t := time.Now()
				if _, _, err := streamSession(e.ctx, db, int64(rng.IntN(a.Sessions)+1)); err != nil {
					errs <- fmt.Errorf("stream: %w", err)
					return
				}
				lat = append(lat, time.Since(t))
			}
			streamOps.add(lat)
		})
	}
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(uint64(e.job.Round), 99))
		var lat []time.Duration
		for first := true; first || ctx.Err() == nil; first = false { // at least once, however late it starts
			w := titleWords[rng.IntN(len(titleWords))]
			l := min(len(w), 3+rng.IntN(3))
			at := rng.IntN(len(w) - l + 1)
			t := time.Now()
			if _, err := searchTitles(e.ctx, db, w[at:at+l]); err != nil {
				errs <- fmt.Errorf("title search: %w", err)
				return
			}
			lat = append(lat, time.Since(t))
		}
		searchOps.add(lat)
	})
	wg.Wait()
	elapsed := time.Since(t0)
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	e.opFigures("append message", appendOps.lat, elapsed)
	e.opFigures("stream session", streamOps.lat, elapsed)
	e.opFigures("title search", searchOps.lat, elapsed)

	// Every append is whole.
	appended := int64(len(appendOps.lat))
	var messages, allParts, embeddings int64
	for q, p := range map[string]*int64{"messages": &messages, "parts": &allParts, "embeddings": &embeddings} {
		if err := db.QueryRowContext(e.ctx, "SELECT count(*) FROM "+q).Scan(p); err != nil {
			return err
		}
	}
	seeded := int64(a.Sessions * a.Messages)
	if messages != seeded+appended || embeddings != messages || allParts != seededParts+3*appended {
		return fmt.Errorf("after %d appends: %d messages, %d embeddings, %d parts; want %d, %d, %d",
			appended, messages, embeddings, allParts, seeded+appended, seeded+appended, seededParts+3*appended)
	}
	if appended == 0 {
		return fmt.Errorf("the writer appended nothing in %v", a.Time)
	}
	return db.Close()
}
