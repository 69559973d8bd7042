package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// A row of the report: one metric of one workload (at one data size).
type row struct {
	group, workload, metric string
	unit                    string
	better                  int
	x                       float64
	cells                   map[string]cell
}

type cell struct {
	value float64
	ok    bool
	na    string
}

func (r *row) label() string {
	l := r.metric
	if r.x != 0 {
		l += fmt.Sprintf(", %s rows", n(int(r.x)))
	}
	return l
}

// ratio is the cell's value divided by the baseline's, if both exist.
func (r *row) ratio(d string) (float64, bool) {
	b, c := r.cells[baseline], r.cells[d]
	if !b.ok || !c.ok || b.value == 0 {
		return 0, false
	}
	return c.value / b.value, true
}

// rows gathers the results into report rows, in workload order.
func (rn *run) rows() []*row {
	var out []*row
	index := map[string]*row{}
	for _, w := range workloads {
		for _, res := range rn.Results {
			if res.Workload != w.id() {
				continue
			}
			if res.Err != "" {
				continue
			}
			for _, m := range res.Metrics {
				key := fmt.Sprintf("%s|%s|%v", res.Workload, m.Name, m.X)
				r := index[key]
				if r == nil {
					r = &row{group: w.group, workload: w.name, metric: m.Name, unit: m.Unit, better: m.Better, x: m.X, cells: map[string]cell{}}
					index[key] = r
					out = append(out, r)
				}
				if len(m.Samples) > 0 {
					r.unit = m.Unit
					r.cells[res.Driver] = cell{value: median(m.Samples), ok: true}
				} else {
					r.cells[res.Driver] = cell{na: m.NA}
				}
			}
		}
	}
	// Memory rows: each metric at every size together.
	slices.SortStableFunc(out, func(a, b *row) int {
		if a.group != "memory" || b.group != "memory" {
			return 0
		}
		return strings.Compare(a.metric, b.metric)
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
	p("`go run ./bench` (%s sizes, %d run(s) per figure, %s in all), %s.\n\n",
		rn.Config.Mode, rn.Config.Runs, rn.Duration.Round(time.Second), rn.Started.UTC().Format("2006-01-02 15:04 UTC"))
	m := rn.Machine
	p("## Machine\n\n| | |\n|---|---|\n")
	p("| CPU | %s |\n| cores | %d (GOMAXPROCS %d) |\n", m.CPU, m.Cores, m.GOMAXPROCS)
	if m.Memory != "" {
		p("| memory | %s |\n", m.Memory)
	}
	p("| OS | %s |\n| Go | %s |\n", m.OS, m.Go)
	if m.Commit != "" {
		p("| sqlitekit commit | %s |\n", m.Commit)
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
	p("The pool is database/sql's default for all. Plain ncruces registers its own FTS5 extension and nothing of sqlitekit; ")
	p("each driver runs in a fresh process per workload.\n\n")
	p("Each figure is the median of the runs; the ratio in parentheses is the figure divided by plain ncruces's figure in this same run ")
	p("(↓: lower is better, ↑: higher is better). n/a says why a driver has no figure; it is never a stand-in number.\n")

	failed := rn.failures()
	rows := rn.rows()
	for _, g := range groups {
		var ws []*workload
		for _, w := range workloads {
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
		for _, r := range rows {
			if r.group != g.name {
				continue
			}
			arrow := map[int]string{-1: " ↓", 1: " ↑"}[r.better]
			cells := make([]string, len(cols))
			for i, d := range cols {
				cells[i] = rn.cellText(r, d, failed)
			}
			p("| %s | %s | %s%s | %s |\n", r.workload, r.label(), r.unit, arrow, strings.Join(cells, " | "))
		}
		if f := charts[g.name]; f != "" {
			p("\n![%s](%s)\n", g.title, f)
		}
	}
	if len(failed) > 0 {
		p("\n## Failures\n\n")
		keys := make([]string, 0, len(failed))
		for k := range failed {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			w, d, _ := strings.Cut(k, "|")
			p("- %s on %s: `%s`\n", w, d, firstLine(failed[k]))
		}
	}
	return b.String()
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
	if _, ok := failed[r.group+"/"+r.workload+"|"+d]; ok {
		return "failed"
	}
	c, ok := r.cells[d]
	switch {
	case !ok:
		return ""
	case !c.ok:
		return "n/a (" + c.na + ")"
	}
	s := format(c.value)
	if d == baseline {
		return s
	}
	if q, ok := r.ratio(d); ok && r.unit != "x" {
		s += fmt.Sprintf(" (%.2fx)", q)
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
