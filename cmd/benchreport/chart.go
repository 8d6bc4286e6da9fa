package main

import (
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A chart is one SVG file: lines of measured points, and horizontal lines
// for budgets and baselines.
type chart struct {
	File   string // the file name, in the output directory
	Title  string
	Note   string // a line under the title: which run, which machine
	XLabel string // the x axis, with its unit: always a log scale
	XWord  string // what one x counts, for the text alternative: "clients"
	YLabel string // the y axis, with its unit
	YUnit  string // the unit of a y value, for the text alternative
	Series []series
	Refs   []refLine
}

type series struct {
	Name   string
	Points []point // by x, ascending
}

type point struct{ X, Y float64 }

// refLine is a budget or baseline drawn across the chart.
type refLine struct {
	Name   string
	Y      float64
	Unit   string
	Budget bool   // a budget is drawn black and dashed
	Colour string // a baseline takes the colour of its engine's first series
}

// palette is Okabe and Ito's, which stays distinguishable with the common
// kinds of colour blindness.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

// baselineDashes tell baselines apart by more than colour too.
var baselineDashes = []string{"2 4", "10 4 2 4"}

// markers differ by series too, so that colour is not the only cue.
var markers = []string{"circle", "square", "triangle", "diamond"}

const (
	width, height          = 820, 460
	plotLeft, plotRight    = 80, 540
	plotTop, plotBottom    = 70, 390
	legendLeft, legendStep = 560, 22
)

// svg draws the chart as a standalone SVG document: no script, no external
// style, a <title> and a <desc> that says in words what the chart shows.
func (c chart) svg() string {
	var xs, ys []float64
	for _, s := range c.Series {
		for _, p := range s.Points {
			xs = append(xs, p.X)
			ys = append(ys, p.Y)
		}
	}
	for _, r := range c.Refs {
		ys = append(ys, r.Y)
	}
	xmin, xmax := slices.Min(xs), slices.Max(xs)
	lo, hi := math.Log10(xmin), math.Log10(xmax)
	if hi-lo < 0.5 { // one size, or sizes close together: give them room
		mid := (lo + hi) / 2
		lo, hi = mid-0.25, mid+0.25
	}
	pad := (hi - lo) * 0.06
	lo, hi = lo-pad, hi+pad
	xAt := func(x float64) float64 {
		return plotLeft + (math.Log10(x)-lo)/(hi-lo)*(plotRight-plotLeft)
	}
	ticks := yTicks(slices.Max(ys))
	ytop := ticks[len(ticks)-1]
	yAt := func(y float64) float64 {
		return plotBottom - y/ytop*(plotBottom-plotTop)
	}

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="title desc" font-family="Arial, Helvetica, sans-serif" font-size="13">`+"\n",
		width, height, width, height)
	w("<title id=\"title\">%s</title>\n", esc(c.Title))
	w("<desc id=\"desc\">%s</desc>\n", esc(c.describe()))
	w(`<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	w(`<text x="%d" y="28" font-size="17" font-weight="bold">%s</text>`+"\n", plotLeft-60, esc(c.Title))
	if c.Note != "" {
		w(`<text x="%d" y="50" fill="#444444">%s</text>`+"\n", plotLeft-60, esc(c.Note))
	}

	// The y axis: grid lines and their values.
	w(`<g class="y-axis">` + "\n")
	for _, t := range ticks {
		y := yAt(t)
		w(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd"/>`+"\n", plotLeft, y, plotRight, y)
		w(`<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", plotLeft-8, y, esc(number(t)))
	}
	w(`<text transform="translate(%d %d) rotate(-90)" text-anchor="middle">%s</text>`+"\n",
		plotLeft-58, (plotTop+plotBottom)/2, esc(c.YLabel))
	w("</g>\n")

	// The x axis: a tick at each measured x, on a log scale.
	w(`<g class="x-axis">` + "\n")
	w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333333"/>`+"\n", plotLeft, plotBottom, plotRight, plotBottom)
	w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333333"/>`+"\n", plotLeft, plotTop, plotLeft, plotBottom)
	for _, x := range distinct(xs) {
		px := xAt(x)
		w(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333333"/>`+"\n", px, plotBottom, px, plotBottom+5)
		w(`<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", px, plotBottom+20, esc(compact(x)))
	}
	w(`<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", (plotLeft+plotRight)/2, plotBottom+46, esc(c.XLabel+" (log scale)"))
	w("</g>\n")

	legend := 0
	legendY := func() int { legend++; return plotTop + (legend-1)*legendStep }
	baselines := 0
	for _, r := range c.Refs {
		colour, dash := r.Colour, baselineDashes[baselines%len(baselineDashes)]
		if !r.Budget {
			baselines++
		}
		if r.Budget {
			colour, dash = "#000000", "8 5"
		}
		if colour == "" {
			colour = "#666666"
		}
		y := yAt(r.Y)
		ly := legendY()
		w(`<g class="reference" data-name="%s">`+"\n", esc(r.Name))
		w(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`+"\n",
			plotLeft, y, plotRight, y, colour, dash)
		w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`+"\n",
			legendLeft, ly, legendLeft+28, ly, colour, dash)
		w(`<text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n", legendLeft+36, ly, esc(r.Name))
		w("</g>\n")
	}
	for i, s := range c.Series {
		colour, marker := palette[i%len(palette)], markers[i%len(markers)]
		ly := legendY()
		w(`<g class="series" data-series="%s">`+"\n", esc(s.Name))
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xAt(p.X), yAt(p.Y)))
		}
		if len(pts) > 1 {
			w(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`+"\n", strings.Join(pts, " "), colour)
		}
		for _, p := range s.Points {
			w(`<g>%s<title>%s</title></g>`+"\n", shape(marker, xAt(p.X), yAt(p.Y), colour),
				esc(fmt.Sprintf("%s, %s: %s %s", s.Name, c.xText(p.X), number(p.Y), c.YUnit)))
		}
		w(`%s`+"\n", shape(marker, legendLeft+14, float64(ly), colour))
		w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"/>`+"\n", legendLeft, ly, legendLeft+28, ly, colour)
		w(`<text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n", legendLeft+36, ly, esc(s.Name))
		w("</g>\n")
	}
	w("</svg>\n")
	return b.String()
}

// describe says in words what the chart shows, for its <desc>: a reader
// who cannot see the chart gets every point.
func (c chart) describe() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("A line chart of %s against %s, on a log scale.", c.YLabel, c.XLabel))
	for _, s := range c.Series {
		var at []string
		for _, p := range s.Points {
			at = append(at, fmt.Sprintf("%s %s at %s", number(p.Y), c.YUnit, c.xText(p.X)))
		}
		parts = append(parts, s.Name+": "+strings.Join(at, ", ")+".")
	}
	for _, r := range c.Refs {
		parts = append(parts, fmt.Sprintf("%s: %s %s.", r.Name, number(r.Y), r.Unit))
	}
	if c.Note != "" {
		parts = append(parts, c.Note+".")
	}
	return strings.Join(parts, " ")
}

// xText writes an x value with what it counts: "1 client", "16 clients",
// "100k people".
func (c chart) xText(x float64) string {
	word := c.XWord
	if x == 1 {
		word = strings.TrimSuffix(word, "s")
	}
	return compact(x) + " " + word
}

// shape draws a marker of the kind centred on x, y.
func shape(kind string, x, y float64, colour string) string {
	const r = 4.5
	switch kind {
	case "square":
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x-r, y-r, 2*r, 2*r, colour)
	case "triangle":
		return fmt.Sprintf(`<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`, x, y-r-1, x-r-1, y+r, x+r+1, y+r, colour)
	case "diamond":
		return fmt.Sprintf(`<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`, x, y-r-1, x+r+1, y, x, y+r+1, x-r-1, y, colour)
	}
	return fmt.Sprintf(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"/>`, x, y, r, colour)
}

// yTicks returns round values from 0 to at least max, about five of them.
func yTicks(max float64) []float64 {
	if max <= 0 || math.IsNaN(max) || math.IsInf(max, 0) {
		return []float64{0, 1}
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for i := 0.0; ; i++ {
		t := i * step
		ticks = append(ticks, t)
		if t >= max {
			return ticks
		}
	}
}

// distinct returns the values sorted, each once.
func distinct(xs []float64) []float64 {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// compact writes a count briefly, to two significant figures: 64, 10k
// (for 10,021: the data sizes a benchmark reports include a few rows of
// the demo area), 3.5M.
func compact(x float64) string {
	x = round(x, 2)
	switch {
	case x >= 1e6:
		return strconv.FormatFloat(x/1e6, 'f', -1, 64) + "M"
	case x >= 1e3:
		return strconv.FormatFloat(x/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// number writes a measured value to three significant figures, with
// thousands separated: 0.412, 12.5, 1,530.
func number(v float64) string {
	v = round3(v)
	if math.Abs(v) < 1000 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	out = append([]string{s}, out...)
	if neg {
		return "-" + strings.Join(out, ",")
	}
	return strings.Join(out, ",")
}

// round3 rounds to three significant figures.
func round3(v float64) float64 { return round(v, 3) }

func round(v float64, figures int) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', figures, 64), 64)
	if err != nil {
		return v
	}
	return r
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
