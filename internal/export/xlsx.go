package export

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// XLSX writes the document as a workbook, one sheet per table. Each sheet
// starts with the table's title, the document's title and subtitle and
// the time it was generated (Asia/Baku); then a bold header row (frozen
// while scrolling), the rows with numbers as numeric cells and nulls
// empty, and the notes under them. The workbook's properties carry the
// title, subtitle and time as well.
func XLSX(w io.Writer, d Document) error {
	f := excelize.NewFile()
	defer f.Close()

	created := ""
	if !d.Generated.IsZero() {
		created = d.Generated.UTC().Format("2006-01-02T15:04:05Z")
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:       d.Title,
		Subject:     d.Subtitle,
		Description: d.generatedLine(),
		Creator:     "Data Bank",
		Created:     created,
		Modified:    created,
		Language:    langTag(d.Lang),
	}); err != nil {
		return fmt.Errorf("export: workbook properties: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}

	tables := d.Tables
	if len(tables) == 0 {
		tables = []Table{{Title: d.Title}}
	}
	names := sheetNames(tables, d.word("sheet"))
	for i, t := range tables {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", names[0]); err != nil {
				return fmt.Errorf("export: sheet %q: %w", names[0], err)
			}
		} else if _, err := f.NewSheet(names[i]); err != nil {
			return fmt.Errorf("export: sheet %q: %w", names[i], err)
		}
		if err := writeSheet(f, names[i], d, t, st); err != nil {
			return fmt.Errorf("export: sheet %q: %w", names[i], err)
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

type styles struct {
	title, header, headerNum, note int
	// numbers by decimals shown; 0 is the general format.
	num map[int]int
	f   *excelize.File
}

func newStyles(f *excelize.File) (*styles, error) {
	st := &styles{num: map[int]int{}, f: f}
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	border := []excelize.Border{{Type: "bottom", Color: "444444", Style: 1}}
	st.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	st.header = mk(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
		Border:    border,
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
	})
	st.headerNum = mk(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
		Border:    border,
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top", Horizontal: "right"},
	})
	st.note = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "555555"}})
	if err != nil {
		return nil, fmt.Errorf("export: styles: %w", err)
	}
	return st, nil
}

// numStyle is the style of a number shown with the given decimals.
func (st *styles) numStyle(decimals int) (int, error) {
	decimals = min(max(decimals, 0), 10)
	if id, ok := st.num[decimals]; ok {
		return id, nil
	}
	s := &excelize.Style{}
	if decimals == 0 {
		s.NumFmt = 0 // General
	} else {
		code := "0." + strings.Repeat("0", decimals)
		s.CustomNumFmt = &code
	}
	id, err := st.f.NewStyle(s)
	if err != nil {
		return 0, err
	}
	st.num[decimals] = id
	return id, nil
}

func writeSheet(f *excelize.File, sheet string, d Document, t Table, st *styles) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cols := t.width()
	numeric := make([]bool, cols)
	for c := range cols {
		numeric[c] = t.numericColumn(c)
	}
	for c, wd := range columnWidths(t, cols) {
		if err := sw.SetColWidth(c+1, c+1, wd); err != nil {
			return err
		}
	}

	// Rows above the header: the title, the heading, the time, a blank.
	title := t.Title
	if title == "" {
		title = d.Title
	}
	heading := d.Title
	if d.Subtitle != "" {
		if heading != "" {
			heading += " — "
		}
		heading += d.Subtitle
	}
	showHeading := heading != "" && heading != title
	gen := d.generatedLine()
	headerRow := 3
	if showHeading {
		headerRow++
	}
	if gen != "" {
		headerRow++
	}
	hasHeader := cols > 0 && len(t.Header) > 0
	if hasHeader {
		// Keep the header in view while scrolling.
		top, _ := excelize.CoordinatesToCellName(1, headerRow+1)
		if err := sw.SetPanes(&excelize.Panes{
			Freeze: true, YSplit: headerRow, TopLeftCell: top, ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}},
		}); err != nil {
			return err
		}
	}

	row := 1
	put := func(values []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, values)
	}
	if err := put([]any{excelize.Cell{StyleID: st.title, Value: title}}); err != nil {
		return err
	}
	if showHeading {
		if err := put([]any{heading}); err != nil {
			return err
		}
	}
	if gen != "" {
		if err := put([]any{excelize.Cell{StyleID: st.note, Value: gen}}); err != nil {
			return err
		}
	}
	row++ // a blank line before the table

	if hasHeader {
		hdr := make([]any, cols)
		for c := range cols {
			h := ""
			if c < len(t.Header) {
				h = t.Header[c]
			}
			id := st.header
			if numeric[c] {
				id = st.headerNum
			}
			hdr[c] = excelize.Cell{StyleID: id, Value: h}
		}
		if err := put(hdr); err != nil {
			return err
		}
	}
	vals := make([]any, cols)
	for r := range t.Rows {
		for c := range cols {
			cl := t.cell(r, c)
			switch {
			case cl.empty():
				vals[c] = nil
			case cl.IsNum:
				id, err := st.numStyle(cl.Decimals)
				if err != nil {
					return err
				}
				vals[c] = excelize.Cell{StyleID: id, Value: cl.Num}
			default:
				vals[c] = cl.Text
			}
		}
		if err := put(vals); err != nil {
			return err
		}
	}
	if len(t.Notes) > 0 {
		row++
		for _, n := range t.Notes {
			if err := put([]any{excelize.Cell{StyleID: st.note, Value: n}}); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

// columnWidths sizes each column to its longest text (header words wrap),
// between 6 and 60 characters; only the first thousand rows are measured.
func columnWidths(t Table, cols int) []float64 {
	ws := make([]float64, cols)
	for c := range cols {
		n := 6
		if c < len(t.Header) {
			// A header may wrap at spaces: its longest word counts, and
			// at most 24 characters of a long header.
			for _, w := range strings.Fields(t.Header[c]) {
				n = max(n, utf8.RuneCountInString(w))
			}
			n = max(n, min(utf8.RuneCountInString(t.Header[c]), 24))
		}
		for r := range min(len(t.Rows), 1000) {
			n = max(n, utf8.RuneCountInString(t.cell(r, c).String()))
		}
		ws[c] = float64(min(n, 60)) + 2
	}
	return ws
}

// sheetNames gives each table a sheet name Excel accepts: at most 31
// characters, none of []:*?/\, no apostrophe at either end, not
// "History", and unique without regard to case.
func sheetNames(tables []Table, fallback string) []string {
	names := make([]string, len(tables))
	used := map[string]bool{}
	for i, t := range tables {
		base := cleanSheetName(t.Title)
		if base == "" {
			base = fmt.Sprintf("%s %d", fallback, i+1)
		}
		name := base
		for n := 2; used[strings.ToLower(name)]; n++ {
			suffix := fmt.Sprintf(" (%d)", n)
			name = strings.TrimRight(truncateRunes(base, 31-len(suffix)), " ") + suffix
		}
		used[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

func cleanSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return ' '
		case r < ' ' || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(truncateRunes(strings.Trim(s, "' "), 31), "' ")
	if strings.EqualFold(s, "History") {
		s += " 1"
	}
	return s
}

// truncateRunes cuts s to at most n UTF-16 code units (Excel's count),
// never inside a character.
func truncateRunes(s string, n int) string {
	units := 0
	for i, r := range s {
		u := 1
		if r >= 0x10000 {
			u = 2
		}
		if units+u > n {
			return s[:i]
		}
		units += u
	}
	return s
}

func langTag(lang string) string {
	switch lang {
	case "en":
		return "en-GB"
	case "ru":
		return "ru-RU"
	default:
		return "az-Latn-AZ"
	}
}
