package main

import (
	"fmt"
	"image/color"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// writeCharts draws one chart per group into dir and returns their file
// names by group. Timed and rate figures are drawn as performance relative
// to plain ncruces, higher is better (ncruces ÷ figure for times, figure ÷
// ncruces for rates), so that one axis holds every metric of a group: a
// dot at the median per-round ratio, and an error bar over the spread of
// the per-round ratios. The memory group is drawn as peak RSS against data
// size, with the spread of the rounds as error bars.
func (rn *run) writeCharts(dir string) (map[string]string, error) {
	files := map[string]string{}
	for _, g := range groups {
		var p *plot.Plot
		var h vg.Length
		var err error
		if g.name == "memory" {
			p, h, err = rn.memoryChart()
		} else {
			p, h, err = rn.ratioChart(g.name, g.title)
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

// errPoints are points with horizontal or vertical error bars: the
// low and high ends, as distances from the point.
type errPoints struct {
	plotter.XYs
	lo, hi []float64
}

func (e errPoints) XError(i int) (float64, float64) { return e.lo[i], e.hi[i] }
func (e errPoints) YError(i int) (float64, float64) { return e.lo[i], e.hi[i] }

// ratioChart draws a group's metrics, one line per metric and a dot with
// error bars per driver, and returns it with the height it needs.
func (rn *run) ratioChart(group, title string) (*plot.Plot, vg.Length, error) {
	var rs []*row
	for _, r := range rn.Figures {
		if r.Group != group || r.Better == 0 || r.Unit == "x" || !r.Cells[baseline].ok() {
			continue
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, 0, nil
	}
	p := plot.New()
	p.Title.Text = title + ": performance relative to plain ncruces (higher is better)"
	p.X.Label.Text = "× ncruces (1 = same as plain ncruces); dot: median of the per-round ratios, bar: their spread"
	labels := make([]string, len(rs))
	// Metrics are listed top to bottom in report order.
	for i, r := range rs {
		labels[len(rs)-1-i] = r.Workload + ": " + r.label()
	}
	cols := rn.columns()
	top, bottom := 1.0, 1.0
	const step = 0.18 // between the drivers of a metric, in rows
	for k, d := range cols {
		var pts errPoints
		for i, r := range rs {
			var c comparison
			if d == baseline {
				if !r.Cells[d].ok() {
					continue
				}
				c = comparison{Ratio: 1, Min: 1, Max: 1}
			} else if q := r.Cells[d]; q.ok() && q.VsBaseline != nil {
				c = *q.VsBaseline
			} else {
				continue
			}
			mid, lo, hi := c.Ratio, c.Min, c.Max
			if r.Better < 0 {
				mid, lo, hi = 1/mid, 1/hi, 1/lo
			}
			y := float64(len(rs)-1-i) + (float64(len(cols)-1)/2-float64(k))*step
			pts.XYs = append(pts.XYs, plotter.XY{X: mid, Y: y})
			pts.lo = append(pts.lo, mid-lo)
			pts.hi = append(pts.hi, hi-mid)
			top, bottom = max(top, hi), min(bottom, lo)
		}
		if len(pts.XYs) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, 0, err
		}
		sc.GlyphStyle.Color = plotutil.Color(k)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Radius = vg.Points(3)
		eb, err := plotter.NewXErrorBars(pts)
		if err != nil {
			return nil, 0, err
		}
		eb.Color = plotutil.Color(k)
		eb.CapWidth = vg.Points(4)
		p.Add(eb, sc)
		p.Legend.Add(d, sc)
	}
	line, err := plotter.NewLine(plotter.XYs{{X: 1, Y: -0.5}, {X: 1, Y: float64(len(rs)) - 0.5}})
	if err != nil {
		return nil, 0, err
	}
	line.Color = color.Gray{Y: 80}
	line.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(line)
	p.NominalY(labels...)
	p.Y.Min, p.Y.Max = -0.5, float64(len(rs))-0.5
	// Ratios on a log scale: 2x better and 2x worse are as far from 1.
	p.X.Scale = plot.LogScale{}
	p.X.Min = bottom / 1.2
	p.X.Max = top * 1.8 // room for the legend, top right
	var ticks []plot.Tick
	for v := 1.0 / 64; v <= 64; v *= 2 {
		if v >= p.X.Min && v <= p.X.Max {
			ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 3, 64) + "x"})
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p, vg.Length(len(rs))*vg.Points(7)*vg.Length(len(cols)+1) + 1.5*vg.Inch, nil
}

func (rn *run) memoryChart() (*plot.Plot, vg.Length, error) {
	p := plot.New()
	p.Title.Text = "Peak RSS against rows in the table (median of the rounds; bars: their spread)"
	p.X.Label.Text = "rows"
	p.Y.Label.Text = "peak RSS (MB)"
	drawn := false
	for k, d := range rn.columns() {
		var pts errPoints
		for _, r := range rn.Figures {
			if c := r.Cells[d]; r.Group == "memory" && r.Metric == "peak RSS" && c.ok() {
				pts.XYs = append(pts.XYs, plotter.XY{X: r.X, Y: c.Median})
				pts.lo = append(pts.lo, c.Median-c.Min)
				pts.hi = append(pts.hi, c.Max-c.Median)
			}
		}
		if len(pts.XYs) == 0 {
			continue
		}
		drawn = true
		l, s, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return nil, 0, err
		}
		l.Color = plotutil.Color(k)
		s.Color = plotutil.Color(k)
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return nil, 0, err
		}
		eb.Color = plotutil.Color(k)
		p.Add(l, s, eb)
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
