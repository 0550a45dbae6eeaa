// Package chart draws bar and line charts as SVG on the server, for pages
// and exports alike: no script, readable at 360 px.
package chart

// Series is one named line or set of bars.
type Series struct {
	Name   string
	Values []float64
}

// Bars draws grouped bars: one group per label, one bar per series.
func Bars(title string, labels []string, series []Series) []byte { return nil }

// Lines draws one line per series over the labels (periods).
func Lines(title string, labels []string, series []Series) []byte { return nil }
