package main

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// A row is one figure of the report: one metric of one workload (at one
// data size), on every driver, over the rounds.
type row struct {
	Group, Workload, Metric string
	Unit                    string
	Better                  int // -1 lower is better, +1 higher is better, 0 neither
	X                       float64
	Control                 bool             // see metric.Control
	Cells                   map[string]*cell // by driver
}

// A cell is one driver's figure: the round's figures, their median and
// spread, or why there is none.
type cell struct {
	Rounds map[int]float64 `json:",omitempty"` // round → figure
	Median float64         `json:",omitempty"`
	Min    float64         `json:",omitempty"`
	Max    float64         `json:",omitempty"`
	NA     string          `json:",omitempty"`
	// VsBaseline compares the cell with plain ncruces's cell of the row.
	VsBaseline *comparison `json:",omitempty"`
}

func (c *cell) ok() bool { return c != nil && len(c.Rounds) > 0 }

// A comparison of two drivers' figures of a row, round by round.
type comparison struct {
	// Ratio is the median of the per-round ratios (a's round-k figure
	// over b's round-k figure); Min and Max are their spread.
	Ratio, Min, Max float64
	Rounds          int
	// WithinNoise: the two drivers' spreads overlap, or the per-round
	// ratios straddle 1.0: the difference may be noise. Never set with
	// one round, which has no spread to judge by.
	WithinNoise bool
	// Noisy: a per-round ratio is more than 10% away from the median, so
	// a second run may well report a ratio more than 10% away from this.
	Noisy bool
}

// levelBand is the difference the summary calls level even where it is
// not noise: 16.9 allocations against 17.0 is no lead.
const levelBand = 0.03

// noisyBand is how far from their median the per-round ratios of a
// reproducible figure stay.
const noisyBand = 0.10

// compare compares drivers a and b on the row, or reports false if either
// has no figure or b's figures include a zero.
func (r *row) compare(a, b string) (comparison, bool) {
	ca, cb := r.Cells[a], r.Cells[b]
	if !ca.ok() || !cb.ok() {
		return comparison{}, false
	}
	var ratios []float64
	for k, va := range ca.Rounds {
		vb, ok := cb.Rounds[k]
		if !ok {
			continue
		}
		if vb == 0 {
			return comparison{}, false
		}
		ratios = append(ratios, va/vb)
	}
	if len(ratios) == 0 {
		return comparison{}, false
	}
	c := comparison{Ratio: median(ratios), Min: slices.Min(ratios), Max: slices.Max(ratios), Rounds: len(ratios)}
	if c.Rounds > 1 {
		overlap := ca.Max >= cb.Min && cb.Max >= ca.Min
		straddle := c.Min <= 1 && c.Max >= 1
		c.WithinNoise = overlap || straddle
		c.Noisy = c.Min < c.Ratio*(1-noisyBand) || c.Max > c.Ratio*(1+noisyBand)
	}
	return c, true
}

// advantage is how many times better a is than b on the row (above 1: a
// is better), by the median per-round ratio.
func (r *row) advantage(c comparison) float64 {
	if r.Better < 0 {
		return 1 / c.Ratio
	}
	return c.Ratio
}

func (r *row) label() string {
	l := r.Metric
	if r.Control {
		l += " (control)"
	}
	if r.X != 0 {
		l += fmt.Sprintf(", %s rows", n(int(r.X)))
	}
	return l
}

// figures gathers the results into report rows, in workload order.
func figures(selected []*workload, results []result) []*row {
	var out []*row
	index := map[string]*row{}
	for _, w := range selected {
		for _, res := range results {
			if res.Workload != w.id() || res.Err != "" {
				continue
			}
			for _, m := range res.Metrics {
				key := fmt.Sprintf("%s|%s|%v", res.Workload, m.Name, m.X)
				r := index[key]
				if r == nil {
					r = &row{Group: w.group, Workload: w.name, Metric: m.Name, Unit: m.Unit, Better: m.Better, X: m.X, Control: m.Control, Cells: map[string]*cell{}}
					index[key] = r
					out = append(out, r)
				}
				c := r.Cells[res.Driver]
				if c == nil {
					c = &cell{Rounds: map[int]float64{}}
					r.Cells[res.Driver] = c
				}
				if len(m.Samples) > 0 {
					c.Rounds[res.Round] = m.Samples[0]
				} else {
					c.NA = m.NA
				}
			}
		}
	}
	for _, r := range out {
		for _, c := range r.Cells {
			if len(c.Rounds) == 0 {
				c.Rounds = nil
				continue
			}
			c.NA = ""
			vs := slices.Collect(maps.Values(c.Rounds))
			c.Median, c.Min, c.Max = median(vs), slices.Min(vs), slices.Max(vs)
		}
		for d, c := range r.Cells {
			if d == baseline || r.Unit == "x" {
				continue
			}
			if cmp, ok := r.compare(d, baseline); ok {
				c.VsBaseline = &cmp
			}
		}
	}
	// Memory rows: each metric at every size together.
	slices.SortStableFunc(out, func(a, b *row) int {
		if a.Group != "memory" || b.Group != "memory" {
			return 0
		}
		return strings.Compare(a.Metric, b.Metric)
	})
	return out
}

// failures are the results that ended in an error, by workload and driver.
func (rn *run) failures() map[string]string {
	f := map[string]string{}
	for _, res := range rn.Results {
		if res.Err != "" {
			f[res.Workload+"|"+res.Driver] = res.Err
		}
	}
	return f
}

func (rn *run) columns() []string {
	if rn.Config.Drivers != nil {
		return rn.Config.Drivers
	}
	return driverOrder
}

// markdown is the report; charts maps a group to its chart's file name.
func (rn *run) markdown(charts map[string]string) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	cols := rn.columns()

	p("# sqlitekit bench\n\n")
	more := ""
	if len(rn.Extra) > 0 {
		more = fmt.Sprintf(", %d more for %d noisy workloads", rn.Config.Extra, len(rn.Extra))
	}
	p("`go run ./bench` (%s sizes, %d round(s)%s, %s in all), %s.\n\n",
		rn.Config.Mode, rn.Config.Rounds, more, rn.Duration.Round(time.Second), rn.Started.UTC().Format("2006-01-02 15:04 UTC"))
	p("## Summary\n\n")
	p("%s\n", rn.summary())

	m := rn.Machine
	p("## Machine\n\n| | |\n|---|---|\n")
	p("| CPU | %s |\n| cores | %d (GOMAXPROCS %d) |\n", m.CPU, m.Cores, m.GOMAXPROCS)
	if m.Memory != "" {
		p("| memory | %s |\n", m.Memory)
	}
	if m.Load != "" {
		p("| load average at the start | %s |\n", m.Load)
	}
	p("| OS | %s |\n| Go | %s |\n", m.OS, m.Go)
	if m.Commit != "" {
		p("| sqlitekit commit | %s |\n", m.Commit)
	}
	if len(rn.Builds) > 0 {
		var bs []string
		for _, bd := range rn.Builds {
			s := fmt.Sprintf("%s %.1f s", bd.What, bd.Seconds)
			if bd.Err != "" {
				s += " (failed)"
			}
			bs = append(bs, s)
		}
		p("| built by this run | %s |\n", strings.Join(bs, ", "))
	}
	p("\n## Drivers\n\n| driver | module | version | SQLite | db.Begin |\n|---|---|---|---|---|\n")
	for _, d := range cols {
		if why := rn.NA[d]; why != "" {
			p("| %s | | n/a (%s) | | |\n", d, why)
			continue
		}
		i := rn.Drivers[d]
		p("| %s | %s | %s | %s | %s |\n", d, i["module"], i["version"], i["sqlite"], strings.ToUpper(i["txlock"]))
	}
	p("\nEvery connection of every driver runs the same pragmas, so that only the driver differs: `%s` ", pragmaText())
	p("(ncruces, sqlitekit and modernc through `_pragma` in the DSN, mattn through a ConnectHook). ")
	p("The pool is database/sql's default for all. Plain ncruces registers its own FTS5 extension and nothing of sqlitekit.\n\n")
	p("## How to read the figures\n\n")
	p("The run is made of %d rounds. A round runs every workload once on every driver, each in a fresh process, ", rn.Config.Rounds)
	p("the drivers of a workload one after the other, in an order that rotates from round to round. ")
	var apart []string // the workloads whose drivers do not take turns
	for _, w := range rn.selected {
		if !w.turns && w.together == nil {
			apart = append(apart, w.name)
		}
	}
	if len(apart) < len(rn.selected) {
		p("Within the round, the drivers' processes of a workload take turns at every timing (A B C D, B C D A, ...), so that a burst of load lands on one timing of every driver, not on all of one driver's")
		if len(apart) > 0 {
			p(" (all but %s)", strings.Join(apart, " and "))
		}
		p(". ")
	}
	if rn.Config.Sizes.Reps > 1 {
		p("Within a round's process a short measurement is repeated %d times and the fastest is the round's figure (on a shared machine, other work only ever adds time). ", rn.Config.Sizes.Reps)
	}
	p("A table shows the median of the rounds' figures; for plain ncruces, the baseline (and for every driver where ncruces has no figure), with their spread (min–max); ")
	p("for every other driver, its ratio to plain ncruces: the median of the per-round ratios (its round-k figure over ncruces' round-k figure, ")
	p("so that the machine's drift between rounds cancels), with their spread. ↓: lower is better, ↑: higher is better.")
	if len(rn.Extra) > 0 {
		p(" The workloads whose sqlitekit/ncruces ratio was noisy after %d rounds ran %d more (%s): their figures are the median of %d.", rn.Config.Rounds, rn.Config.Extra, strings.Join(rn.Extra, ", "), rn.Config.Rounds+rn.Config.Extra)
	}
	p("\n\n")
	p("- **≈** marks a difference within noise: the two drivers' spreads overlap, or the per-round ratios straddle 1.0.\n")
	p("- **noisy** marks a ratio whose per-round ratios spread more than ±%.0f%% around their median: a second run may report it more than %.0f%% away.\n", noisyBand*100, noisyBand*100)
	p("- n/a says why a driver has no figure; it is never a stand-in number.\n")
	if rn.Config.Rounds < 2 {
		p("- This run has one round: there is no spread, and no difference is judged against noise.\n")
	}
	p("\nThe charts show each driver's performance relative to plain ncruces (higher is better), with the spread of the per-round ratios as error bars.\n")

	failed := rn.failures()
	for _, g := range groups {
		var ws []*workload
		for _, w := range rn.selected {
			if w.group == g.name && rn.ran(w) {
				ws = append(ws, w)
			}
		}
		if len(ws) == 0 {
			continue
		}
		p("\n## %s\n\n", g.title)
		if g.about != "" {
			p("%s\n\n", g.about)
		}
		for _, w := range ws {
			p("- **%s**: %s.\n", w.name, w.about(rn.Config.Sizes))
		}
		p("\n| workload | metric | unit | %s |\n|---|---|---|%s\n", strings.Join(cols, " | "), strings.Repeat("---:|", len(cols)))
		for _, r := range rn.Figures {
			if r.Group != g.name {
				continue
			}
			arrow := map[int]string{-1: " ↓", 1: " ↑"}[r.Better]
			cells := make([]string, len(cols))
			for i, d := range cols {
				cells[i] = rn.cellText(r, d, failed)
			}
			p("| %s | %s | %s%s | %s |\n", r.Workload, r.label(), r.Unit, arrow, strings.Join(cells, " | "))
		}
		if f := charts[g.name]; f != "" {
			p("\n![%s](%s)\n", g.title, f)
		}
	}
	if len(failed) > 0 {
		p("\n## Failures\n\n")
		keys := slices.Sorted(maps.Keys(failed))
		for _, k := range keys {
			w, d, _ := strings.Cut(k, "|")
			p("- %s on %s: `%s`\n", w, d, firstLine(failed[k]))
		}
	}
	return b.String()
}

// summary is, per group, where sqlitekit is ahead of every peer, where it
// is behind one, and by how much.
func (rn *run) summary() string {
	const me = "sqlitekit"
	var b strings.Builder
	type item struct {
		text   string
		factor float64
	}
	noisy, compared := 0, 0
	for _, g := range groups {
		var ahead, behind []item
		level, total := 0, 0
		for _, r := range rn.Figures {
			if r.Group != g.name || r.Better == 0 || r.Unit == "x" || r.Control || !r.Cells[me].ok() {
				continue
			}
			if c := r.Cells[me].VsBaseline; c != nil {
				compared++
				if c.Noisy {
					noisy++
				}
			}
			// Against every peer with a figure.
			var nearest, best string
			var nearestNoisy, bestNoisy bool
			nearestF, bestF := math.Inf(1), math.Inf(1)
			peers, wins, judged := 0, 0, rn.Config.Rounds > 1
			for _, d := range rn.columns() {
				if d == me {
					continue
				}
				c, ok := r.compare(me, d)
				if !ok {
					continue
				}
				peers++
				f := r.advantage(c)
				if f > 1+levelBand && !c.WithinNoise {
					wins++
				}
				if f < nearestF {
					nearest, nearestF, nearestNoisy = d, f, c.Noisy
				}
				if f < 1-levelBand && (!c.WithinNoise || !judged) && f < bestF {
					best, bestF, bestNoisy = d, f, c.Noisy
				}
			}
			if peers == 0 {
				continue
			}
			total++
			name := r.Workload + " " + r.label()
			switch {
			case best != "":
				behind = append(behind, item{fmt.Sprintf("%s (%s %.2fx better%s)", name, best, 1/bestF, noisyNote(bestNoisy)), 1 / bestF})
			case wins == peers:
				ahead = append(ahead, item{fmt.Sprintf("%s (%.2fx better than the nearest peer, %s%s)", name, nearestF, nearest, noisyNote(nearestNoisy)), nearestF})
			default:
				level++
			}
		}
		if total == 0 {
			continue
		}
		list := func(items []item) string {
			slices.SortStableFunc(items, func(a, b item) int { return cmpFloat(b.factor, a.factor) })
			var ts []string
			for i, it := range items {
				if i == 6 {
					ts = append(ts, fmt.Sprintf("%d more", len(items)-i))
					break
				}
				ts = append(ts, it.text)
			}
			return strings.Join(ts, ", ")
		}
		fmt.Fprintf(&b, "- **%s**: ", g.title)
		var parts []string
		if len(ahead) > 0 {
			parts = append(parts, "ahead of every peer on "+list(ahead))
		}
		if len(behind) > 0 {
			parts = append(parts, "behind on "+list(behind))
		}
		if level > 0 {
			parts = append(parts, fmt.Sprintf("%d of %d figures level with a peer or within noise", level, total))
		}
		b.WriteString(strings.Join(parts, "; ") + ".\n")
	}
	if b.Len() == 0 {
		return "No figure compares sqlitekit with a peer.\n"
	}
	for _, r := range rn.Figures {
		if !r.Control {
			continue
		}
		lo, hi := 1.0, 1.0
		for _, c := range r.Cells {
			if q := c.VsBaseline; q != nil {
				lo, hi = min(lo, q.Min), max(hi, q.Max)
			}
		}
		fmt.Fprintf(&b, "\nControl: %s %s runs the same Go code in every driver's process; its per-round ratios to ncruces span %.2fx–%.2fx, the machine's noise in this run",
			r.Workload, r.Metric, lo, hi)
		if lo < 1-noisyBand || hi > 1+noisyBand {
			b.WriteString(": the machine was busy, and a ratio marked noisy above says which way, not how far")
		}
		b.WriteString(".\n")
	}
	if rn.Config.Rounds > 1 {
		fmt.Fprintf(&b, "\n%d of the %d sqlitekit/ncruces ratios are marked noisy (their per-round ratios spread more than ±%.0f%%).\n", noisy, compared, noisyBand*100)
	} else {
		b.WriteString("\nOne round: no difference is judged against noise.\n")
	}
	return b.String()
}

// noisyNote marks a summary's figure whose per-round ratios are noisy.
func noisyNote(noisy bool) string {
	if noisy {
		return ", noisy"
	}
	return ""
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ran reports whether any result is of w.
func (rn *run) ran(w *workload) bool {
	for _, res := range rn.Results {
		if res.Workload == w.id() {
			return true
		}
	}
	return false
}

func (rn *run) cellText(r *row, d string, failed map[string]string) string {
	if why := rn.NA[d]; why != "" {
		return "n/a (" + why + ")"
	}
	if _, ok := failed[r.Group+"/"+r.Workload+"|"+d]; ok {
		return "failed"
	}
	c, ok := r.Cells[d]
	switch {
	case !ok:
		return ""
	case !c.ok():
		return "n/a (" + c.NA + ")"
	}
	s := format(c.Median)
	if (d == baseline || r.Unit == "x" || !r.Cells[baseline].ok()) && len(c.Rounds) > 1 {
		return s + fmt.Sprintf(" (%s–%s)", format(c.Min), format(c.Max))
	}
	q := c.VsBaseline
	if q == nil {
		return s
	}
	s += " · "
	if q.WithinNoise {
		s += "≈"
	}
	s += fmt.Sprintf("%.2fx", q.Ratio)
	if q.Rounds > 1 {
		s += fmt.Sprintf(" (%.2f–%.2f)", q.Min, q.Max)
	}
	if q.Noisy {
		s += " noisy"
	}
	return s
}

// format prints a figure with about three significant digits.
func format(v float64) string {
	a := math.Abs(v)
	switch {
	case v == math.Trunc(v) && a < 1e15:
		return n(int(v))
	case a >= 1000:
		return n(int(math.Round(v)))
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}
