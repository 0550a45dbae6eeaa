// Package export writes tables of figures as CSV, XLSX and PDF, with
// Azerbaijani, English and Russian letters intact: the report builder,
// the annual reports and the public module share it.
package export

import (
	"errors"
	"io"
	"time"
)

// Cell is one cell of a table: text, a number, or an empty (suppressed
// or missing) value.
type Cell struct {
	Text  string
	Num   float64
	IsNum bool
	Null  bool
}

// Text is a text cell.
func Text(s string) Cell { return Cell{Text: s} }

// Num is a number cell.
func Num(f float64) Cell { return Cell{Num: f, IsNum: true} }

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
}

var errTODO = errors.New("export: not implemented yet")

// CSV writes one table as CSV (UTF-8 with a byte-order mark so that
// spreadsheet programs read the letters right).
func CSV(w io.Writer, t Table) error { return errTODO }

// XLSX writes the document as a workbook, one sheet per table.
func XLSX(w io.Writer, d Document) error { return errTODO }

// PDF writes the document as PDF with an embedded Unicode font.
func PDF(w io.Writer, d Document) error { return errTODO }
