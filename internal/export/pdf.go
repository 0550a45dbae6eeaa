package export

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
)

// The PDF embeds DejaVu Sans (regular and bold) from the Go module
// github.com/go-fonts/dejavu: it has every Azerbaijani letter (Əə Ğğ Iı
// İi Öö Şş Üü Çç) and Cyrillic, and fpdf embeds only the glyphs used.
const fontFamily = "DejaVu"

// Page geometry in millimetres (A4).
const (
	margin     = 12.0
	footerRoom = 14.0 // space kept at the bottom for the page number
	cellPadX   = 1.2
	cellPadY   = 1.0
	bodyPt     = 8.5
	lineH      = 3.9 // one line of body text
	maxSample  = 500 // rows measured to size the columns
)

// PDF writes the document as PDF with an embedded Unicode font: the
// title, subtitle and generation time (Asia/Baku) on the first page, then
// each table with its title, its header repeated on every page it runs
// over, numbers right-aligned and long text wrapped; its notes under it.
// A table too wide for a portrait page gets landscape pages. Every page
// carries its number ("Səhifə 2 / 5") and the generation time.
func PDF(w io.Writer, d Document) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(false, footerRoom)
	p.AliasNbPages("{nb}")
	p.AddUTF8FontFromBytes(fontFamily, "", dejavusans.TTF)
	p.AddUTF8FontFromBytes(fontFamily, "B", dejavusansbold.TTF)
	p.SetTitle(d.Title, true)
	p.SetSubject(d.Subtitle, true)
	p.SetCreator("Data Bank", true)
	p.SetProducer("Data Bank", true)
	if !d.Generated.IsZero() {
		p.SetCreationDate(d.Generated)
		p.SetModificationDate(d.Generated)
	}
	gen := d.generatedLine()
	pageWord, ofWord := d.word("page"), d.word("of")
	p.SetFooterFunc(func() {
		pw, ph := p.GetPageSize()
		p.SetFont(fontFamily, "", 7.5)
		p.SetTextColor(90, 90, 90)
		p.SetXY(margin, ph-margin+2)
		p.CellFormat((pw-2*margin)/2, 4, gen, "", 0, "L", false, 0, "")
		p.CellFormat((pw-2*margin)/2, 4, fmt.Sprintf("%s %d %s {nb}", pageWord, p.PageNo(), ofWord), "", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})

	r := &pdfWriter{p: p}
	layouts := make([]tableLayout, len(d.Tables))
	for i, t := range d.Tables {
		layouts[i] = r.layout(t)
	}
	first := "P"
	if len(layouts) > 0 {
		first = layouts[0].orient
	}
	r.addPage(first)

	// The document's heading.
	pw := r.pageWidth()
	p.SetFont(fontFamily, "B", 15)
	r.paragraph(d.Title, pw, 6.5)
	if d.Subtitle != "" {
		p.SetFont(fontFamily, "", 11)
		r.paragraph(d.Subtitle, pw, 5)
	}
	if gen != "" {
		p.SetFont(fontFamily, "", 8.5)
		p.SetTextColor(90, 90, 90)
		r.paragraph(gen, pw, 4)
		p.SetTextColor(0, 0, 0)
	}
	p.SetY(p.GetY() + 4)

	for i, t := range d.Tables {
		r.table(t, layouts[i])
	}
	if err := p.Error(); err != nil {
		return fmt.Errorf("export: pdf: %w", err)
	}
	return p.Output(w)
}

type pdfWriter struct {
	p      *fpdf.Fpdf
	orient string
}

// tableLayout is how a table is laid out: its page orientation, its
// column widths and which columns hold numbers.
type tableLayout struct {
	orient  string
	widths  []float64
	numeric []bool
}

func (r *pdfWriter) addPage(orient string) {
	r.orient = orient
	r.p.AddPageFormat(orient, r.p.GetPageSizeStr("A4"))
	r.p.SetXY(margin, margin)
}

func (r *pdfWriter) pageWidth() float64 {
	w, _ := r.p.GetPageSize()
	return w - 2*margin
}

func (r *pdfWriter) bottom() float64 {
	_, h := r.p.GetPageSize()
	return h - footerRoom
}

// paragraph prints wrapped text across the width, breaking pages as needed.
func (r *pdfWriter) paragraph(s string, width, h float64) {
	for _, line := range r.p.SplitText(clean(s), width) {
		if r.p.GetY()+h > r.bottom() {
			r.addPage(r.orient)
		}
		r.p.SetX(margin)
		r.p.CellFormat(width, h, line, "", 2, "L", false, 0, "")
	}
}

// portraitWidth and landscapeWidth are the usable widths of A4.
const (
	portraitWidth  = 210 - 2*margin
	landscapeWidth = 297 - 2*margin
)

// layout sizes the columns: each gets the width of its longest cell
// (headers may wrap at spaces); when that does not fit a portrait page
// the table goes landscape, and when it does not fit that either the
// text columns shrink towards their longest word and wrap.
func (r *pdfWriter) layout(t Table) tableLayout {
	p := r.p
	cols := t.width()
	lay := tableLayout{orient: "P", widths: make([]float64, cols), numeric: make([]bool, cols)}
	if cols == 0 {
		return lay
	}
	natural := make([]float64, cols)
	least := make([]float64, cols)
	for c := range cols {
		lay.numeric[c] = t.numericColumn(c)
		nat, low := 8.0, 8.0
		if c < len(t.Header) {
			p.SetFont(fontFamily, "B", bodyPt)
			h := clean(t.Header[c])
			nat = max(nat, min(p.GetStringWidth(h), 45))
			for _, word := range strings.Fields(h) {
				low = max(low, min(p.GetStringWidth(word), 30))
			}
		}
		p.SetFont(fontFamily, "", bodyPt)
		for row := range min(len(t.Rows), maxSample) {
			s := clean(t.cell(row, c).String())
			if s == "" {
				continue
			}
			sw := p.GetStringWidth(s)
			if lay.numeric[c] {
				nat = max(nat, sw)
				low = max(low, sw)
			} else {
				// Long text wraps rather than turning the page.
				nat = max(nat, min(sw, 80))
				for _, word := range strings.Fields(s) {
					low = max(low, min(p.GetStringWidth(word), 30))
				}
			}
		}
		natural[c] = nat + 2*cellPadX + 0.5
		least[c] = min(low+2*cellPadX+0.5, natural[c])
	}
	sum := func(xs []float64) (s float64) {
		for _, x := range xs {
			s += x
		}
		return s
	}
	total := sum(natural)
	avail := portraitWidth
	if total > portraitWidth {
		lay.orient, avail = "L", landscapeWidth
	}
	switch {
	case total <= avail:
		copy(lay.widths, natural)
	case sum(least) <= avail:
		// Shrink each column in proportion to how far it can shrink.
		excess, room := total-avail, total-sum(least)
		for c := range cols {
			lay.widths[c] = natural[c] - (natural[c]-least[c])*excess/room
		}
	default:
		// Even the longest words do not fit: scale everything down and let
		// long words break.
		f := avail / sum(least)
		for c := range cols {
			lay.widths[c] = least[c] * f
		}
	}
	return lay
}

func (r *pdfWriter) table(t Table, lay tableLayout) {
	p := r.p
	cols := len(lay.widths)
	// A table starts on a new page when it needs another orientation or
	// when its title, header and a couple of rows would not fit here.
	need := 7 + 2*lineH + 3*(lineH+2*cellPadY)
	if lay.orient != r.orient || p.GetY()+need > r.bottom() {
		r.addPage(lay.orient)
	}
	width := 0.0
	for _, w := range lay.widths {
		width += w
	}
	if t.Title != "" {
		p.SetFont(fontFamily, "B", 11)
		r.paragraph(t.Title, r.pageWidth(), 5.5)
		p.SetY(p.GetY() + 1.5)
	}
	header := make([]string, cols)
	for c := range cols {
		if c < len(t.Header) {
			header[c] = clean(t.Header[c])
		}
	}
	hasHeader := len(t.Header) > 0 && cols > 0
	drawHeader := func() {
		if hasHeader {
			r.row(header, lay, true, false)
		}
	}
	drawHeader()
	texts := make([]string, cols)
	for i := range t.Rows {
		for c := range cols {
			texts[c] = clean(t.cell(i, c).String())
		}
		if h := r.rowHeight(texts, lay, false); p.GetY()+h > r.bottom() {
			r.addPage(lay.orient)
			drawHeader()
		}
		r.row(texts, lay, false, i%2 == 1)
	}
	if cols > 0 {
		// A closing rule under the last row.
		p.SetDrawColor(68, 68, 68)
		p.Line(margin, p.GetY(), margin+width, p.GetY())
	}
	if len(t.Notes) > 0 {
		p.SetY(p.GetY() + 2)
		p.SetFont(fontFamily, "", 7.5)
		p.SetTextColor(70, 70, 70)
		for _, n := range t.Notes {
			r.paragraph(n, r.pageWidth(), 3.6)
		}
		p.SetTextColor(0, 0, 0)
	}
	p.SetY(p.GetY() + 6)
}

// cellLines wraps each cell's text to its column, at most as many lines
// as fit on an empty page (the rest is cut with an ellipsis).
func (r *pdfWriter) cellLines(texts []string, lay tableLayout, bold bool) [][]string {
	style := ""
	if bold {
		style = "B"
	}
	r.p.SetFont(fontFamily, style, bodyPt)
	_, ph := r.p.GetPageSize()
	maxLines := int((ph - margin - footerRoom - 6*lineH) / lineH)
	out := make([][]string, len(texts))
	for c, s := range texts {
		if s == "" {
			continue
		}
		// SplitText leaves the cell margin of fpdf on both sides.
		lines := r.p.SplitText(s, lay.widths[c]-2*cellPadX+2*r.p.GetCellMargin())
		if len(lines) > maxLines {
			lines = append(lines[:maxLines-1], lines[maxLines-1]+"…")
		}
		out[c] = lines
	}
	return out
}

func (r *pdfWriter) rowHeight(texts []string, lay tableLayout, bold bool) float64 {
	n := 1
	for _, l := range r.cellLines(texts, lay, bold) {
		n = max(n, len(l))
	}
	return float64(n)*lineH + 2*cellPadY
}

// row prints one row of cells at the current position and moves below it.
func (r *pdfWriter) row(texts []string, lay tableLayout, header, shade bool) {
	p := r.p
	lines := r.cellLines(texts, lay, header)
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	h := float64(n)*lineH + 2*cellPadY
	y := p.GetY()
	width := 0.0
	for _, w := range lay.widths {
		width += w
	}
	switch {
	case header:
		p.SetFillColor(232, 238, 244)
		p.Rect(margin, y, width, h, "F")
	case shade:
		p.SetFillColor(246, 247, 249)
		p.Rect(margin, y, width, h, "F")
	}
	x := margin
	for c, w := range lay.widths {
		align := "L"
		if lay.numeric[c] {
			align = "R"
		}
		for i, line := range lines[c] {
			p.SetXY(x+cellPadX-p.GetCellMargin(), y+cellPadY+float64(i)*lineH)
			p.CellFormat(w-2*cellPadX+2*p.GetCellMargin(), lineH, line, "", 0, align, false, 0, "")
		}
		x += w
	}
	if header {
		p.SetDrawColor(68, 68, 68)
	} else {
		p.SetDrawColor(210, 214, 220)
	}
	p.SetLineWidth(0.2)
	p.Line(margin, y+h, margin+width, y+h)
	p.SetXY(margin, y+h)
}

// clean makes text printable: no carriage returns or tabs, no other
// control characters.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case r < ' ' || (r >= 0x7f && r < 0xa0):
			return -1
		}
		return r
	}, s)
}
