package web

import (
	"io"

	"github.com/scfwca/databank/internal/export"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/opendata"
)

// writeOpenCSV writes a dataset of a year as CSV in long form, one count a
// line: the row's code and name, the column's code and name, the count —
// empty when suppressed. The totals are lines whose code is "total"; in
// the category dataset a row's total is all the region's children. Names
// are in lang; codes and the header are the API's.
func writeOpenCSV(w io.Writer, t *opendata.Table, lang i18n.Lang) error {
	ds := t.Dataset
	tab := export.Table{Header: []string{"year", ds.Rows.ID, ds.Rows.ID + "_name", ds.Cols.ID, ds.Cols.ID + "_name", "children"}}
	year := export.Num(float64(t.Year.Year))
	count := func(v *int) export.Cell {
		if v == nil {
			return export.Null()
		}
		return export.Num(float64(*v))
	}
	total := messages["open.total"].In(lang)
	colTotal := total
	if !ds.Additive {
		colTotal = messages["open.all"].In(lang)
	}
	line := func(rc, rn, cc, cn string, v *int) {
		tab.Rows = append(tab.Rows, []export.Cell{year, export.Text(rc), export.Text(rn), export.Text(cc), export.Text(cn), count(v)})
	}
	for r, row := range t.Rows {
		for c, col := range t.Cols {
			line(row.Code, row.Title.In(lang), col.Code, col.Title.In(lang), t.Cells[r][c])
		}
		line(row.Code, row.Title.In(lang), "total", colTotal, t.RowTotals[r])
	}
	for c, col := range t.Cols {
		line("total", total, col.Code, col.Title.In(lang), t.ColTotals[c])
	}
	line("total", total, "total", colTotal, t.Total)
	return export.CSV(w, tab)
}
