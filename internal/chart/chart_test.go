package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed SVG element.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) num(t *testing.T, name string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return f
}

// all is every element below n (n included) that passes keep, in order.
func (n node) all(keep func(node) bool) []node {
	var out []node
	if keep(n) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(keep)...)
	}
	return out
}

func (n node) child(name string) (node, bool) {
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			return c, true
		}
	}
	return node{}, false
}

func parse(t *testing.T, svg []byte) node {
	t.Helper()
	var root node
	if err := xml.Unmarshal(svg, &root); err != nil {
		t.Fatalf("not XML: %v\n%s", err, svg)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v", root.XMLName)
	}
	if root.attr("role") != "img" || root.attr("width") != "100%" {
		t.Errorf("role %q width %q", root.attr("role"), root.attr("width"))
	}
	vb := strings.Fields(root.attr("viewBox"))
	if len(vb) != 4 {
		t.Fatalf("viewBox %q", root.attr("viewBox"))
	}
	if w, _ := strconv.ParseFloat(vb[2], 64); w < minWidth || w > maxWidth {
		t.Errorf("viewBox width %v", w)
	}
	// The accessible name and description are the title and desc.
	ids := strings.Fields(root.attr("aria-labelledby"))
	title, ok1 := root.child("title")
	desc, ok2 := root.child("desc")
	if !ok1 || !ok2 || len(ids) != 2 || title.attr("id") != ids[0] || desc.attr("id") != ids[1] {
		t.Errorf("title/desc %v %v ids %q", ok1, ok2, ids)
	}
	if bytes.Contains(svg, []byte("style=")) || bytes.Contains(svg, []byte("<style")) || bytes.Contains(svg, []byte("<script")) {
		t.Error("inline style or script, which the CSP forbids")
	}
	return root
}

func byClass(class string) func(node) bool {
	return func(n node) bool { return strings.Contains(" "+n.attr("class")+" ", " "+class+" ") }
}

func TestBarsProportional(t *testing.T) {
	labels := []string{"Bakı", "Gəncə", "Şəki", "Lənkəran"}
	svg := Bars("Uşaqlar", labels, []Series{{Name: "2025", Values: []float64{10, 20, 40, 0}}})
	root := parse(t, svg)
	bars := root.all(byClass("bar"))
	if len(bars) != 4 {
		t.Fatalf("%d bars, want 4", len(bars))
	}
	unit := bars[0].num(t, "height") / 10
	bottom := bars[0].num(t, "y") + bars[0].num(t, "height")
	lastX := -1.0
	for i, want := range []float64{10, 20, 40, 0} {
		h := bars[i].num(t, "height")
		if math.Abs(h-want*unit) > 0.02 {
			t.Errorf("bar %d height %v, want %v", i, h, want*unit)
		}
		if b := bars[i].num(t, "y") + h; math.Abs(b-bottom) > 0.02 {
			t.Errorf("bar %d stands on %v, others on %v", i, b, bottom)
		}
		if x := bars[i].num(t, "x"); x <= lastX {
			t.Errorf("bar %d at x %v is not right of the one before", i, x)
		}
		lastX = bars[i].num(t, "x")
		tip, _ := bars[i].child("title")
		if !strings.HasPrefix(tip.Text, labels[i]+": ") {
			t.Errorf("bar %d tooltip %q", i, tip.Text)
		}
	}
	// The axis line is where the bars stand.
	axis := root.all(byClass("x-axis"))
	if len(axis) != 1 || math.Abs(axis[0].num(t, "y1")-bottom) > 0.02 {
		t.Errorf("x axis %v, bars stand on %v", axis, bottom)
	}
	// Level labels, in order, unaltered.
	texts := root.all(byClass("x-labels"))[0].Nodes
	for i, l := range labels {
		if texts[i].Text != l || texts[i].attr("transform") != "" {
			t.Errorf("label %d: %q transform %q", i, texts[i].Text, texts[i].attr("transform"))
		}
	}
	// One series needs no legend.
	if len(root.all(byClass("legend"))) != 0 {
		t.Error("a legend for one series")
	}
	desc, _ := root.child("desc")
	if !strings.Contains(desc.Text, "Şəki 40") {
		t.Errorf("description %q", desc.Text)
	}
}

func TestTicksRound(t *testing.T) {
	for _, tc := range []struct {
		max      float64
		wantStep float64
		wantTop  float64
	}{
		{40, 10, 40}, {7, 2, 8}, {1234, 250, 1250}, {0.37, 0.1, 0.4}, {1, 0.2, 1}, {999999, 200000, 1000000},
	} {
		root := parse(t, Bars("t", []string{"a", "b"}, []Series{{Values: []float64{tc.max / 2, tc.max}}}))
		labels := root.all(byClass("y-axis"))[0].all(func(n node) bool { return n.XMLName.Local == "text" })
		var vals []float64
		for _, l := range labels {
			v, err := strconv.ParseFloat(strings.ReplaceAll(l.Text, "\u2009", ""), 64)
			if err != nil {
				t.Fatalf("tick %q: %v", l.Text, err)
			}
			vals = append(vals, v)
		}
		if vals[0] != 0 || math.Abs(vals[len(vals)-1]-tc.wantTop) > 1e-9 {
			t.Errorf("max %v: ticks %v, want 0…%v", tc.max, vals, tc.wantTop)
		}
		for i := 1; i < len(vals); i++ {
			if math.Abs(vals[i]-vals[i-1]-tc.wantStep) > 1e-9 {
				t.Errorf("max %v: ticks %v, want steps of %v", tc.max, vals, tc.wantStep)
				break
			}
		}
	}
}

func TestBarsSeriesAndLegend(t *testing.T) {
	series := []Series{
		{Name: "Oğlan", Values: []float64{5, 6, 7}},
		{Name: "Qız", Values: []float64{4, 5}}, // one short: no third bar
		{Name: "Мальчики & <девочки>", Values: []float64{1, math.NaN(), 3}},
	}
	root := parse(t, Bars("Cins", []string{"0-2", "3-5", "6-9"}, series))
	groups := root.all(byClass("series"))
	if len(groups) != 3 {
		t.Fatalf("%d series groups", len(groups))
	}
	seen := map[string]bool{}
	for i, g := range groups {
		if seen[g.attr("fill")] {
			t.Errorf("series %d repeats colour %s", i, g.attr("fill"))
		}
		seen[g.attr("fill")] = true
	}
	if n := [3]int{len(groups[0].Nodes), len(groups[1].Nodes), len(groups[2].Nodes)}; n != [3]int{3, 2, 2} {
		t.Errorf("bars per series %v, want [3 2 2]", n)
	}
	// Within a group the series stand side by side, in order.
	if groups[0].Nodes[0].num(t, "x") >= groups[1].Nodes[0].num(t, "x") {
		t.Error("series out of order within a group")
	}
	legend := root.all(byClass("legend"))
	if len(legend) != 1 {
		t.Fatal("no legend for three series")
	}
	var names []string
	for _, n := range legend[0].Nodes {
		if n.XMLName.Local == "text" {
			names = append(names, n.Text)
		}
	}
	if fmt.Sprint(names) != fmt.Sprint([]string{"Oğlan", "Qız", "Мальчики & <девочки>"}) {
		t.Errorf("legend %q", names)
	}
}

func TestEscaping(t *testing.T) {
	nasty := `</text><script>alert("x")</script>&amp;'`
	svg := Lines(nasty, []string{nasty, "b\x00c"}, []Series{{Name: nasty, Values: []float64{1, 2}}, {Name: "x", Values: []float64{2, 1}}})
	root := parse(t, svg)
	if bytes.Contains(svg, []byte("<script")) {
		t.Fatal("a label became markup")
	}
	title, _ := root.child("title")
	if title.Text != nasty {
		t.Errorf("title %q", title.Text)
	}
	texts := root.all(func(n node) bool { return n.XMLName.Local == "text" || n.XMLName.Local == "title" })
	found := false
	for _, n := range texts {
		if strings.Contains(n.Text, "bc") {
			found = true
		}
	}
	if !found {
		t.Error("the control character was not dropped from a label")
	}
}

func TestLongLabelsTurnAndThin(t *testing.T) {
	var labels []string
	for i := range 80 {
		labels = append(labels, fmt.Sprintf("Çox uzun rayon adı nömrə %02d", i))
	}
	vals := make([]float64, 80)
	for i := range vals {
		vals[i] = float64(i)
	}
	root := parse(t, Bars("Rayonlar", labels, []Series{{Values: vals}}))
	texts := root.all(byClass("x-labels"))[0].Nodes
	if len(texts) == 0 || len(texts) >= 80 {
		t.Fatalf("%d labels shown of 80: too many collide", len(texts))
	}
	prev := math.Inf(-1)
	for _, tx := range texts {
		if !strings.HasPrefix(tx.attr("transform"), "rotate(-45") {
			t.Errorf("long label not turned: %q", tx.attr("transform"))
		}
		shown := strings.TrimSpace(tx.Text)
		if len([]rune(shown)) > maxLabel || !strings.HasSuffix(shown, "…") {
			t.Errorf("label %q not cut to %d characters", shown, maxLabel)
		}
		full, _ := tx.child("title")
		if !strings.HasPrefix(full.Text, "Çox uzun rayon adı") {
			t.Errorf("the full label is not kept: %q", full.Text)
		}
		// Turned labels are slot·sin45° apart: at least a line's height.
		x := tx.num(t, "x")
		if (x-prev)*math.Sin(math.Pi/4) < fontSize {
			t.Errorf("labels at %v and %v collide", prev, x)
		}
		prev = x
		// Nor do they run off the left edge.
		if left := x - textWidth(shown)*math.Cos(math.Pi/4); left < 0 {
			t.Errorf("label %q starts at %v, off the picture", shown, left)
		}
	}
}

func TestLines(t *testing.T) {
	labels := []string{"2021", "2022", "2023", "2024", "2025"}
	root := parse(t, Lines("İllər", labels, []Series{
		{Name: "A", Values: []float64{3, 1, 4, 1, 5}},
		{Name: "B", Values: []float64{2, math.NaN(), 2, 2, 7}}, // broken after the first
		{Name: "C", Values: []float64{9}},                      // one point
	}))
	groups := root.all(byClass("series"))
	if len(groups) != 3 {
		t.Fatalf("%d series", len(groups))
	}
	lines := func(g node) []node { return g.all(byClass("line")) }
	pts := func(t *testing.T, l node) [][2]float64 {
		var out [][2]float64
		for _, p := range strings.Fields(l.attr("points")) {
			x, y, _ := strings.Cut(p, ",")
			fx, _ := strconv.ParseFloat(x, 64)
			fy, _ := strconv.ParseFloat(y, 64)
			out = append(out, [2]float64{fx, fy})
		}
		return out
	}
	a := lines(groups[0])
	if len(a) != 1 {
		t.Fatalf("series A: %d lines", len(a))
	}
	p := pts(t, a[0])
	if len(p) != 5 {
		t.Fatalf("series A points %v", p)
	}
	// Ordered left to right; higher values higher up (smaller y), and
	// y linear in the value.
	unit := p[1][1] - p[0][1] // value 3 → 1: two units down
	for i := 1; i < 5; i++ {
		if p[i][0] <= p[i-1][0] {
			t.Errorf("point %d not right of %d", i, i-1)
		}
	}
	vals := []float64{3, 1, 4, 1, 5}
	for i := range vals {
		want := p[0][1] - (vals[i]-3)*unit/2
		if math.Abs(p[i][1]-want) > 0.03 {
			t.Errorf("point %d at y %v, want %v", i, p[i][1], want)
		}
	}
	if b := lines(groups[1]); len(b) != 1 || len(pts(t, b[0])) != 3 {
		t.Errorf("series B should be one line of three points after the gap, got %d lines", len(b))
	}
	// The lone first point of B and C's one point still show as dots.
	if n := len(groups[1].all(byClass("point"))); n != 4 {
		t.Errorf("series B has %d dots, want 4", n)
	}
	if c := groups[2]; len(lines(c)) != 0 || len(c.all(byClass("point"))) != 1 {
		t.Errorf("one-point series: %d lines %d dots", len(lines(c)), len(c.all(byClass("point"))))
	}
	if n := len(root.all(byClass("legend"))[0].all(func(n node) bool { return n.XMLName.Local == "line" })); n != 3 {
		t.Errorf("legend has %d keys", n)
	}
}

func TestEmptyAndZero(t *testing.T) {
	for name, svg := range map[string][]byte{
		"nothing":    Bars("Boş", nil, nil),
		"no series":  Lines("Boş", []string{"a"}, nil),
		"all NaN":    Bars("Boş", []string{"a"}, []Series{{Values: []float64{math.NaN()}}}),
		"no labels":  Lines("Boş", nil, []Series{{Values: []float64{1, 2}}}),
		"empty name": Bars("", []string{""}, []Series{{}}),
	} {
		t.Run(name, func(t *testing.T) {
			root := parse(t, svg)
			if len(root.all(byClass("no-data"))) != 1 || len(root.all(byClass("bar"))) != 0 {
				t.Error("an empty chart should say so and draw nothing")
			}
		})
	}
	root := parse(t, Bars("Sıfır", []string{"a", "b"}, []Series{{Values: []float64{0, 0}}}))
	bars := root.all(byClass("bar"))
	if len(bars) != 2 || bars[0].num(t, "height") != 0 {
		t.Errorf("zero bars: %d, height %v", len(bars), bars[0].attr("height"))
	}
	// Negative values hang below the axis.
	root = parse(t, Bars("Fərq", []string{"a", "b"}, []Series{{Values: []float64{-5, 10}}}))
	bars = root.all(byClass("bar"))
	axis := root.all(byClass("x-axis"))[0].num(t, "y1")
	if y := bars[0].num(t, "y"); math.Abs(y-axis) > 0.02 {
		t.Errorf("negative bar starts at %v, axis at %v", y, axis)
	}
	if r := bars[1].num(t, "height") / bars[0].num(t, "height"); math.Abs(r-2) > 0.01 {
		t.Errorf("heights ratio %v, want 2", r)
	}
}

// TestPaletteContrast checks that each colour stands out from the white
// background (3:1, WCAG 1.4.11) and from the others.
func TestPaletteContrast(t *testing.T) {
	lum := func(hex string) float64 {
		var rgb [3]float64
		for i := range 3 {
			v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			c := float64(v) / 255
			if c <= 0.03928 {
				c /= 12.92
			} else {
				c = math.Pow((c+0.055)/1.055, 2.4)
			}
			rgb[i] = c
		}
		return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	}
	seen := map[string]bool{}
	for _, c := range Palette {
		if r := 1.05 / (lum(c) + 0.05); r < 3 {
			t.Errorf("%s has contrast %.2f against white", c, r)
		}
		if seen[c] {
			t.Errorf("%s repeats", c)
		}
		seen[c] = true
	}
}

// TestPhone renders a chart at 360 px in Chromium, when there is one, for
// a person to look at (.ci/artifacts/chart-phone.png). It asserts only
// that the picture was made.
func TestPhone(t *testing.T) {
	if os.Getenv("CHART_PNG") == "" {
		t.Skip("CHART_PNG=1 renders the charts as pictures")
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium")
	}
	var labels []string
	for i := range 12 {
		labels = append(labels, fmt.Sprintf("Rayon %d Şəki-Zaqatala", i))
	}
	s := []Series{{Name: "Oğlanlar", Values: make([]float64, 12)}, {Name: "Qızlar", Values: make([]float64, 12)}}
	for i := range 12 {
		s[0].Values[i], s[1].Values[i] = float64(100*i+50), float64(90*i+70)
	}
	page := "<!doctype html><meta charset=utf-8><body style='margin:8px'>" + string(Bars("Uşaqlar rayonlar üzrə", labels, s)) +
		string(Lines("İllər üzrə", []string{"2021", "2022", "2023", "2024", "2025"}, s)) + "</body>"
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", ".ci", "artifacts")
	_ = os.MkdirAll(dir, 0o755)
	html := filepath.Join(dir, "chart-phone.html")
	if err := os.WriteFile(html, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "chart-phone.png")
	out, err := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=360,900",
		"--screenshot="+png, "file://"+html).CombinedOutput()
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if _, err := os.Stat(png); err != nil {
		t.Fatal(err)
	}
}
