package export

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSV writes one table as CSV (UTF-8 with a byte-order mark so that
// spreadsheet programs read the letters right): the header row, then the
// rows. Numbers are plain (no grouping, a point for decimals), nulls are
// empty, and the title and notes are left out so that the file stays a
// clean grid for machines. A text cell that a spreadsheet would take for
// a formula (starting with = + - @ or a tab) gets a leading apostrophe.
func CSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cols := t.width()
	if len(t.Header) > 0 {
		hdr := make([]string, cols)
		copy(hdr, t.Header)
		for i, h := range hdr {
			hdr[i] = defuse(h)
		}
		if err := cw.Write(hdr); err != nil {
			return err
		}
	}
	rec := make([]string, cols)
	for r := range t.Rows {
		for c := range cols {
			cl := t.cell(r, c)
			if cl.IsNum || cl.empty() {
				rec[c] = cl.String()
			} else {
				rec[c] = defuse(cl.Text)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from running text as a formula.
func defuse(s string) string {
	if len(s) > 1 && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
