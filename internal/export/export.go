// Package export writes tables of figures as CSV, XLSX and PDF, with
// Azerbaijani, English and Russian letters intact: the report builder,
// the annual reports and the public module share it.
package export

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Cell is one cell of a table: text, a number, or an empty (suppressed
// or missing) value.
type Cell struct {
	Text  string
	Num   float64
	IsNum bool
	Null  bool
	// Decimals, when above zero, is how many digits a number shows after
	// the point (percentages: 1). Zero shows the number as it is, with
	// floating-point noise rounded away.
	Decimals int
}

// Text is a text cell.
func Text(s string) Cell { return Cell{Text: s} }

// Num is a number cell.
func Num(f float64) Cell { return Cell{Num: f, IsNum: true} }

// NumPrec is a number cell shown with a fixed number of decimals, such as
// a percentage with one.
func NumPrec(f float64, decimals int) Cell {
	return Cell{Num: f, IsNum: true, Decimals: decimals}
}

// Null is an empty cell.
func Null() Cell { return Cell{Null: true} }

// Table is a titled grid with one header row.
type Table struct {
	Title  string
	Header []string
	Rows   [][]Cell
	// Notes are printed under the table (sources, suppression, filters).
	Notes []string
}

// Document is what an XLSX workbook or a PDF holds: a title, when it was
// made, and its tables (one sheet each in XLSX).
type Document struct {
	Title     string
	Subtitle  string
	Generated time.Time // shown in Asia/Baku
	Tables    []Table
	// Lang is the language of the few words the exporter writes itself
	// ("Generated", "Page"): "az" (the default), "en" or "ru".
	Lang string
}

// empty tells whether a cell prints as nothing: a null, or a number that
// is not finite.
func (c Cell) empty() bool {
	return c.Null || (c.IsNum && (math.IsNaN(c.Num) || math.IsInf(c.Num, 0)))
}

// String is the cell as plain text: numbers without grouping and with a
// point, nulls empty. CSV and PDF print this.
func (c Cell) String() string {
	switch {
	case c.empty():
		return ""
	case c.IsNum:
		return formatNum(c.Num, c.Decimals)
	default:
		return c.Text
	}
}

// formatNum prints a number plainly: fixed decimals when asked, otherwise
// the shortest form after rounding to ten decimals (so 0.1+0.2 is 0.3).
func formatNum(f float64, decimals int) string {
	if decimals > 0 {
		return strconv.FormatFloat(f, 'f', decimals, 64)
	}
	r := math.Round(f*1e10) / 1e10
	if math.IsInf(r, 0) || math.IsNaN(r) { // |f| too large to scale
		r = f
	}
	s := strconv.FormatFloat(r, 'f', -1, 64)
	if s == "-0" {
		s = "0"
	}
	return s
}

// baku is the time zone every generated time is shown in.
var baku = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Baku")
	if err != nil {
		// Azerbaijan keeps UTC+4 all year.
		return time.FixedZone("+04", 4*60*60)
	}
	return loc
}()

// words are the exporter's own few words in each language.
var words = map[string]map[string]string{
	"az": {"generated": "Yaradılıb", "page": "Səhifə", "of": "/", "sheet": "Cədvəl"},
	"en": {"generated": "Generated", "page": "Page", "of": "of", "sheet": "Table"},
	"ru": {"generated": "Сформировано", "page": "Страница", "of": "из", "sheet": "Таблица"},
}

func (d Document) word(key string) string {
	w, ok := words[d.Lang]
	if !ok {
		w = words["az"]
	}
	return w[key]
}

// generatedLine is "Generated: 2025-01-14 18:30 (Asia/Baku)" in the
// document's language, or "" when the time is unknown.
func (d Document) generatedLine() string {
	if d.Generated.IsZero() {
		return ""
	}
	return d.word("generated") + ": " + d.Generated.In(baku).Format("2006-01-02 15:04") + " (Asia/Baku)"
}

// width is the number of columns a table needs: its header or its widest row.
func (t Table) width() int {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return n
}

// cell is the cell at row r, column c, or a null past the end of a short row.
func (t Table) cell(r, c int) Cell {
	if c < len(t.Rows[r]) {
		return t.Rows[r][c]
	}
	return Null()
}

// numericColumn tells whether a column holds numbers (at least one, and
// no text apart from empty cells), so that it is right-aligned.
func (t Table) numericColumn(c int) bool {
	seen := false
	for r := range t.Rows {
		cl := t.cell(r, c)
		if cl.empty() || (!cl.IsNum && strings.TrimSpace(cl.Text) == "") {
			continue
		}
		if !cl.IsNum {
			return false
		}
		seen = true
	}
	return seen
}
