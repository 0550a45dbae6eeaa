// Package chart draws bar and line charts as SVG on the server, for pages
// and exports alike: no script, readable at 360 px.
//
// A chart is one <svg> element sized by its viewBox and width="100%", so
// it fills its container on a phone and on a desktop alike. It has
// role="img" with a <title> and a <desc> that spells out the figures for
// screen readers, every bar and point carries its own <title> (the
// tooltip), all text is escaped, and only presentation attributes are
// used (no style attribute or element, which the pages' CSP forbids).
package chart

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one named line or set of bars.
type Series struct {
	Name   string
	Values []float64
}

// Bars draws grouped bars: one group per label, one bar per series.
// A missing value (NaN, or past the end of a series) draws no bar.
func Bars(title string, labels []string, series []Series) []byte {
	return draw(kindBars, title, labels, series)
}

// Lines draws one line per series over the labels (periods). A missing
// value (NaN, or past the end of a series) breaks the line.
func Lines(title string, labels []string, series []Series) []byte {
	return draw(kindLines, title, labels, series)
}

type kind int

const (
	kindBars kind = iota
	kindLines
)

// Palette is the series colours in order: the Okabe–Ito colours, darkened
// where needed so that each has at least 3:1 contrast against white
// (WCAG 1.4.11) and stays distinct for colour-blind readers. Lines past
// the palette's length repeat it dashed.
var Palette = []string{
	"#0072B2", // blue
	"#D55E00", // vermillion
	"#007A5A", // bluish green
	"#A8327A", // reddish purple
	"#7A6500", // dark yellow
	"#5B3A96", // violet
	"#00838F", // teal
	"#4D4D4D", // grey
}

// Geometry in viewBox units (roughly CSS pixels at full size).
const (
	fontSize   = 13.0
	titleSize  = 15.0
	charW      = 0.6 * fontSize // a generous average glyph width
	pad        = 10.0
	plotHeight = 220.0
	minWidth   = 400.0
	maxWidth   = 960.0
	maxLabel   = 18 // characters of an x label before it is cut with "…"
	maxLegend  = 28 // characters of a series name in the legend
	maxDesc    = 60 // figures spelled out in the description
)

func draw(k kind, title string, labels []string, series []Series) []byte {
	c := newCanvas(k, title, labels, series)
	return c.render()
}

type canvas struct {
	k      kind
	title  string
	labels []string
	series []Series
	id     string

	width, height           float64
	plotX, plotY, plotW     float64
	legendY                 float64
	legendRows              [][]int // series indexes on each legend row
	lo, hi, step            float64 // the y scale
	slot                    float64 // width given to each label
	rotate                  bool
	labelEvery              int
	shownLabels             []string
	tickLabelW, xLabelSpace float64
}

func newCanvas(k kind, title string, labels []string, series []Series) *canvas {
	c := &canvas{k: k, title: clean(title), series: series, labelEvery: 1}
	c.labels = make([]string, len(labels))
	for i, l := range labels {
		c.labels[i] = clean(l)
	}
	c.id = chartID(k, title, labels, series)

	// The y scale: always from zero (bars start there), to round ticks.
	lo, hi, any := 0.0, 0.0, false
	for _, s := range series {
		for i, v := range s.Values {
			if i >= len(labels) || !finite(v) {
				continue
			}
			lo, hi, any = min(lo, v), max(hi, v), true
		}
	}
	if !any || lo == hi {
		hi = lo + 1
	}
	c.lo, c.hi, c.step = niceScale(lo, hi)

	// The width: enough room per label, within bounds.
	perLabel := 16.0
	if k == kindBars {
		perLabel = max(24, float64(len(series))*10+10)
	}
	c.tickLabelW = 0
	for _, v := range c.ticks() {
		c.tickLabelW = max(c.tickLabelW, textWidth(formatNum(v, c.step)))
	}
	c.plotX = pad + c.tickLabelW + 8
	c.width = min(max(c.plotX+pad+perLabel*float64(len(labels)), minWidth), maxWidth)
	c.plotW = c.width - c.plotX - pad
	if len(labels) > 0 {
		c.slot = c.plotW / float64(len(labels))
	}

	// The x labels: level when they fit their slot, else turned 45° and
	// cut; when even turned ones would touch, only every n-th is shown.
	longest := 0.0
	for _, l := range c.labels {
		longest = max(longest, textWidth(l))
	}
	c.rotate = len(labels) > 0 && longest > c.slot-4
	c.placeLabels()
	if c.rotate {
		// A turned label reaches left of its slot: make room for the
		// first one rather than cut it at the edge.
		reach := 0.0
		for i, l := range c.shownLabels {
			if l != "" {
				reach = max(reach, textWidth(l)*math.Cos(math.Pi/4)-(c.xOf(i)-pad))
			}
		}
		if reach > 0 {
			c.plotX += reach
			c.plotW -= reach
			c.slot = c.plotW / float64(len(labels))
			c.placeLabels()
		}
	}
	// The title, then the legend (for several series), then the plot.
	y := pad + titleSize
	c.legendY = y + 10
	if len(series) > 1 {
		x := 0.0
		row := []int{}
		for i, s := range series {
			w := 14 + 6 + textWidth(truncate(clean(s.Name), maxLegend)) + 16
			if len(row) > 0 && x+w > c.width-2*pad {
				c.legendRows = append(c.legendRows, row)
				row, x = nil, 0
			}
			row = append(row, i)
			x += w
		}
		c.legendRows = append(c.legendRows, row)
		y = c.legendY + float64(len(c.legendRows))*(fontSize+8)
	}
	c.plotY = y + fontSize // room for the top tick label
	c.height = c.plotY + plotHeight + c.xLabelSpace + pad
	return c
}

// placeLabels picks the x labels shown (every one, or every n-th when
// turned ones would touch) and the room under the plot they need.
func (c *canvas) placeLabels() {
	c.labelEvery = 1
	if c.rotate {
		// Turned labels sit slot·sin45° apart; they need a line's height.
		need := fontSize * 1.3 / math.Sin(math.Pi/4)
		if c.slot < need {
			c.labelEvery = int(math.Ceil(need / c.slot))
		}
	}
	c.shownLabels = make([]string, len(c.labels))
	space := fontSize + 8
	for i, l := range c.labels {
		if i%c.labelEvery != 0 {
			continue
		}
		if c.rotate {
			l = truncate(l, maxLabel)
			space = max(space, textWidth(l)*math.Sin(math.Pi/4)+fontSize+8)
		}
		c.shownLabels[i] = l
	}
	c.xLabelSpace = space
}

// ticks are the values of the y axis's ticks, from the bottom.
func (c *canvas) ticks() []float64 {
	n := int(math.Round((c.hi - c.lo) / c.step))
	t := make([]float64, 0, n+1)
	for k := range n + 1 {
		t = append(t, c.lo+float64(k)*c.step)
	}
	return t
}

func (c *canvas) yOf(v float64) float64 {
	return c.plotY + plotHeight*(c.hi-v)/(c.hi-c.lo)
}

// xOf is the centre of label i's slot.
func (c *canvas) xOf(i int) float64 {
	return c.plotX + c.slot*(float64(i)+0.5)
}

func (c *canvas) value(s Series, i int) (float64, bool) {
	if i >= len(s.Values) || !finite(s.Values[i]) {
		return 0, false
	}
	return s.Values[i], true
}

func (c *canvas) render() []byte {
	var b bytes.Buffer
	f := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	f(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%%" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d" font-family="DejaVu Sans, Verdana, sans-serif" font-size="%s">`,
		num(c.width), num(c.height), c.id, c.id, num(fontSize))
	f(`<title id="%s-t">%s</title>`, c.id, esc(c.title))
	f(`<desc id="%s-d">%s</desc>`, c.id, esc(c.describe()))
	f(`<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`, num(c.width), num(c.height))
	f(`<text x="%s" y="%s" font-size="%s" font-weight="bold" fill="#1a1a1a">%s</text>`,
		num(pad), num(pad+titleSize-2), num(titleSize), esc(truncate(c.title, int((c.width-2*pad)/(0.6*titleSize)))))
	c.renderLegend(&b)

	// Grid and y ticks.
	f(`<g class="y-axis" fill="#333333" text-anchor="end">`)
	for _, v := range c.ticks() {
		y := c.yOf(v)
		f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#d9d9d9" stroke-width="1"/>`,
			num(c.plotX), num(y), num(c.plotX+c.plotW), num(y))
		f(`<text x="%s" y="%s">%s</text>`, num(c.plotX-6), num(y+fontSize*0.35), esc(formatNum(v, c.step)))
	}
	f(`</g>`)

	if c.empty() {
		f(`<text class="no-data" x="%s" y="%s" text-anchor="middle" fill="#555555">—</text>`,
			num(c.plotX+c.plotW/2), num(c.plotY+plotHeight/2))
	} else if c.k == kindBars {
		c.renderBars(&b)
	} else {
		c.renderLines(&b)
	}

	// The x axis (at zero) and its labels.
	zero := c.yOf(0)
	f(`<line class="x-axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333333" stroke-width="1"/>`,
		num(c.plotX), num(zero), num(c.plotX+c.plotW), num(zero))
	f(`<g class="x-labels" fill="#333333">`)
	base := c.plotY + plotHeight + fontSize + 4
	for i, l := range c.shownLabels {
		if l == "" {
			continue
		}
		x := c.xOf(i)
		if c.rotate {
			f(`<text x="%s" y="%s" text-anchor="end" transform="rotate(-45 %s %s)"><title>%s</title>%s</text>`,
				num(x), num(base), num(x), num(base), esc(c.labels[i]), esc(l))
		} else {
			f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(x), num(base), esc(l))
		}
	}
	f(`</g></svg>`)
	return b.Bytes()
}

func (c *canvas) empty() bool {
	for _, s := range c.series {
		for i := range c.labels {
			if _, ok := c.value(s, i); ok {
				return false
			}
		}
	}
	return true
}

func (c *canvas) renderLegend(b *bytes.Buffer) {
	if len(c.legendRows) == 0 {
		return
	}
	fmt.Fprintf(b, `<g class="legend" fill="#1a1a1a">`)
	for r, row := range c.legendRows {
		x := pad
		y := c.legendY + float64(r)*(fontSize+8)
		for _, i := range row {
			name := truncate(clean(c.series[i].Name), maxLegend)
			if c.k == kindLines {
				fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"%s/>`,
					num(x), num(y+7), num(x+14), num(y+7), colour(i), dash(i))
			} else {
				fmt.Fprintf(b, `<rect x="%s" y="%s" width="14" height="14" fill="%s"/>`, num(x), num(y), colour(i))
			}
			fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`, num(x+20), num(y+11.5), esc(name))
			x += 14 + 6 + textWidth(name) + 16
		}
	}
	b.WriteString(`</g>`)
}

func (c *canvas) renderBars(b *bytes.Buffer) {
	n := len(c.series)
	group := c.slot * 0.8
	bw := group / float64(n)
	zero := c.yOf(0)
	for si, s := range c.series {
		fmt.Fprintf(b, `<g class="series" fill="%s">`, colour(si))
		for i := range c.labels {
			v, ok := c.value(s, i)
			if !ok {
				continue
			}
			x := c.xOf(i) - group/2 + bw*float64(si)
			y, h := c.yOf(v), zero-c.yOf(v)
			if h < 0 {
				y, h = zero, -h
			}
			fmt.Fprintf(b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
				num(x+0.5), num(y), num(max(bw-1, 0.5)), num(h), esc(c.tip(s, i, v)))
		}
		b.WriteString(`</g>`)
	}
}

func (c *canvas) renderLines(b *bytes.Buffer) {
	dots := len(c.labels) <= 60
	for si, s := range c.series {
		fmt.Fprintf(b, `<g class="series" stroke="%s" fill="%s">`, colour(si), colour(si))
		// One polyline per unbroken run of values.
		var run []string
		flush := func() {
			if len(run) > 1 {
				fmt.Fprintf(b, `<polyline class="line" fill="none" stroke-width="2.5" stroke-linejoin="round"%s points="%s"/>`,
					dash(si), strings.Join(run, " "))
			}
			run = run[:0]
		}
		for i := range c.labels {
			v, ok := c.value(s, i)
			if !ok {
				flush()
				continue
			}
			run = append(run, num(c.xOf(i))+","+num(c.yOf(v)))
		}
		flush()
		for i := range c.labels {
			v, ok := c.value(s, i)
			if !ok || !(dots || isolated(c, s, i)) {
				continue
			}
			fmt.Fprintf(b, `<circle class="point" cx="%s" cy="%s" r="3.5" stroke="none"><title>%s</title></circle>`,
				num(c.xOf(i)), num(c.yOf(v)), esc(c.tip(s, i, v)))
		}
		b.WriteString(`</g>`)
	}
}

// isolated tells whether a value has no neighbour to draw a line to, so
// that it needs a dot to be seen at all.
func isolated(c *canvas, s Series, i int) bool {
	_, prev := c.value(s, i-1)
	_, next := c.value(s, i+1)
	return (i == 0 || !prev) && !next
}

func (c *canvas) tip(s Series, i int, v float64) string {
	name := clean(s.Name)
	if name != "" && len(c.series) > 1 {
		return name + " — " + c.labels[i] + ": " + formatValue(v)
	}
	return c.labels[i] + ": " + formatValue(v)
}

// describe spells the figures out for a screen reader: each series, then
// label and value, the first few dozen.
func (c *canvas) describe() string {
	if c.empty() {
		return c.title + ": —"
	}
	var parts []string
	count := 0
	for _, s := range c.series {
		var vals []string
		for i := range c.labels {
			v, ok := c.value(s, i)
			if !ok {
				continue
			}
			if count++; count > maxDesc {
				break
			}
			vals = append(vals, c.labels[i]+" "+formatValue(v))
		}
		p := strings.Join(vals, ", ")
		if name := clean(s.Name); name != "" {
			p = name + ": " + p
		}
		parts = append(parts, p)
	}
	d := strings.Join(parts, "; ")
	if count > maxDesc {
		d += " …"
	}
	return d
}

func colour(i int) string { return Palette[i%len(Palette)] }

// dash gives lines past the palette's length a dash pattern.
func dash(i int) string {
	if i < len(Palette) {
		return ""
	}
	return ` stroke-dasharray="6 3"`
}

// niceScale widens [lo, hi] to round ticks: about five steps of 1, 2, 2.5
// or 5 times a power of ten.
func niceScale(lo, hi float64) (float64, float64, float64) {
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag*(1+1e-9) {
			step = m * mag
			break
		}
	}
	nlo := math.Floor(lo/step+1e-9) * step
	nhi := math.Ceil(hi/step-1e-9) * step
	return nlo, nhi, step
}

// formatNum prints a tick with as many decimals as its step needs and
// thin spaces between thousands.
func formatNum(v, step float64) string {
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
		if step*math.Pow(10, float64(dec)) != math.Round(step*math.Pow(10, float64(dec))) {
			dec++
		}
	}
	if math.Abs(v) < step/1e6 {
		v = 0
	}
	return group(strconv.FormatFloat(v, 'f', dec, 64))
}

// formatValue prints a value in a tooltip or the description: up to two
// decimals, thin spaces between thousands.
func formatValue(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	return group(s)
}

func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var out []byte
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			out = append(out, "\u2009"...)
		}
		out = append(out, intPart[i])
	}
	r := string(out)
	if hasFrac {
		r += "." + frac
	}
	if neg {
		r = "-" + r
	}
	return r
}

// num prints a coordinate with at most two decimals.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

// truncate cuts s to n characters, the last being "…".
func truncate(s string, n int) string {
	if n < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

// clean drops what XML cannot hold (control characters, broken UTF-8)
// and turns line breaks into spaces.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < ' ', r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		}
		return r
	}, s)
}

// esc escapes text for XML.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// chartID is a short id derived from the chart's content, so that two
// charts on one page do not share the ids their labels point to, and the
// same chart always comes out the same.
func chartID(k kind, title string, labels []string, series []Series) string {
	h := fnv.New64a()
	fmt.Fprint(h, k, title, labels)
	for _, s := range series {
		fmt.Fprint(h, s.Name, s.Values)
	}
	return fmt.Sprintf("chart-%x", h.Sum64()&0xffffffffff)
}
