package main

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// writeCharts draws one chart per group into dir and returns their file
// names by group. Timed and rate figures are drawn as performance relative
// to plain ncruces, higher is better (ncruces ÷ figure for times, figure ÷
// ncruces for rates), so that one axis holds every metric of a group; the
// memory group is drawn as peak RSS against data size.
func (rn *run) writeCharts(dir string) (map[string]string, error) {
	files := map[string]string{}
	rows := rn.rows()
	for _, g := range groups {
		var p *plot.Plot
		var h vg.Length
		var err error
		if g.name == "memory" {
			p, h, err = rn.memoryChart(rows)
		} else {
			p, h, err = rn.ratioChart(g.name, g.title, rows)
		}
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", g.name, err)
		}
		if p == nil {
			continue
		}
		name := g.name + ".svg"
		if err := p.Save(9*vg.Inch, h, filepath.Join(dir, name)); err != nil {
			return nil, fmt.Errorf("chart %s: %w", g.name, err)
		}
		files[g.name] = name
	}
	return files, nil
}

// ratioChart draws a group's metrics as horizontal bars, one per driver,
// and returns it with the height it needs.
func (rn *run) ratioChart(group, title string, rows []*row) (*plot.Plot, vg.Length, error) {
	var rs []*row
	for _, r := range rows {
		if r.group != group || r.better == 0 || r.unit == "x" {
			continue
		}
		if b := r.cells[baseline]; !b.ok || b.value == 0 {
			continue
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, 0, nil
	}
	p := plot.New()
	p.Title.Text = title + ": performance relative to plain ncruces (higher is better)"
	p.X.Label.Text = "× ncruces (1 = same as plain ncruces)"
	labels := make([]string, len(rs))
	// Bars are listed top to bottom in report order.
	for i, r := range rs {
		labels[len(rs)-1-i] = r.workload + ": " + r.label()
	}
	cols := rn.columns()
	barW := vg.Points(7)
	top := 1.0
	for k, d := range cols {
		vs := make(plotter.Values, len(rs))
		for i, r := range rs {
			q, ok := r.ratio(d)
			if !ok || q == 0 {
				continue
			}
			if r.better < 0 {
				q = 1 / q
			}
			vs[len(rs)-1-i] = q
			top = max(top, q)
		}
		bc, err := plotter.NewBarChart(vs, barW)
		if err != nil {
			return nil, 0, err
		}
		bc.Horizontal = true
		bc.Color = plotutil.Color(k)
		bc.LineStyle.Width = 0
		bc.Offset = barW * vg.Length(float64(len(cols)-1)/2-float64(k))
		p.Add(bc)
		p.Legend.Add(d, bc)
	}
	line, err := plotter.NewLine(plotter.XYs{{X: 1, Y: -0.5}, {X: 1, Y: float64(len(rs)) - 0.5}})
	if err != nil {
		return nil, 0, err
	}
	line.Color = color.Gray{Y: 80}
	line.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(line)
	p.NominalY(labels...)
	p.X.Min = 0
	p.X.Max = top * 1.25 // room for the legend, top right
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p, vg.Length(len(rs))*barW*vg.Length(len(cols)+1) + 1.5*vg.Inch, nil
}

func (rn *run) memoryChart(rows []*row) (*plot.Plot, vg.Length, error) {
	p := plot.New()
	p.Title.Text = "Peak RSS against rows in the table"
	p.X.Label.Text = "rows"
	p.Y.Label.Text = "peak RSS (MB)"
	drawn := false
	for k, d := range rn.columns() {
		var xys plotter.XYs
		for _, r := range rows {
			if r.group == "memory" && r.metric == "peak RSS" && r.cells[d].ok {
				xys = append(xys, plotter.XY{X: r.x, Y: r.cells[d].value})
			}
		}
		if len(xys) == 0 {
			continue
		}
		drawn = true
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, 0, err
		}
		l.Color = plotutil.Color(k)
		s.Color = plotutil.Color(k)
		p.Add(l, s)
		p.Legend.Add(d, l, s)
	}
	if !drawn {
		return nil, 0, nil
	}
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	return p, 4 * vg.Inch, nil
}
