package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/export"
	"github.com/scfwca/databank/internal/i18n"
)

// Labeler names a dimension (code "") or one of its values in a language.
type Labeler func(lang i18n.Lang, dm Dimension, code string) string

// texts are the words of report tables, notes and exports.
var texts = map[string]i18n.Text{
	"total":      i18n.T("Cəmi", "Total", "Всего"),
	"list_title": i18n.T("Uşaqların siyahısı", "List of children", "Список детей"),
	"title":      i18n.T("Uşaqlar: %s", "Children by %s", "Дети: %s"),
	"by":         i18n.T(" və ", " and ", " и "),
	"as_of":      i18n.T("Yaş %s tarixinə", "Ages as of %s", "Возраст на %s"),
	"percent_row": i18n.T("Faizlər: sətrin cəmindən", "Percentages of the row's total",
		"Проценты от итога строки"),
	"percent_column": i18n.T("Faizlər: sütunun cəmindən", "Percentages of the column's total",
		"Проценты от итога столбца"),
	"percent_total": i18n.T("Faizlər: ümumi cəmdən", "Percentages of the grand total", "Проценты от общего итога"),
	"note_multi": i18n.T("Uşaq malik olduğu hər kateqoriyada (dəyərdə, dövrdə) sayılır; cəmlər isə hər uşağı bir dəfə sayır, ona görə xanaların cəmi ümumi cəmdən çox ola bilər.",
		"A child is counted in every category (value, period) it has; totals count each child once, so the cells may add up to more than their total.",
		"Ребёнок учитывается в каждой своей категории (значении, периоде); итоги считают каждого ребёнка один раз, поэтому сумма ячеек может превышать итог."),
	"note_archived": i18n.T("Arxivləşdirilmiş profillər də sayılır.", "Archived profiles are counted too.", "Архивные профили тоже учтены."),
	"note_current":  i18n.T("Arxivləşdirilmiş profillər sayılmır.", "Archived profiles are not counted.", "Архивные профили не учтены."),
	"note_period": i18n.T("Hər dövrdə həmin dövrdə qüvvəyə minən qeydi olan uşaqlar sayılır.",
		"Each period counts the children with a record taking effect in it.",
		"В каждом периоде учтены дети с записью, вступившей в силу в этом периоде."),
	"hidden": i18n.T("Xanadakı daha %d uşaq hüquqlarınızdan kənardadır və göstərilmir.",
		"%d more children of the cell are outside your rights and are not listed.",
		"Ещё %d детей этой ячейки вне ваших прав и не показаны."),
	"fin":        i18n.T("FİN", "FIN", "ФИН"),
	"name":       i18n.T("Ad, ata adı, soyad", "Name", "Имя, отчество, фамилия"),
	"birth_date": i18n.T("Doğum tarixi", "Birth date", "Дата рождения"),
	"district":   i18n.T("Rayon", "District", "Район"),
	"count":      i18n.T("Uşaqlar", "Children", "Дети"),
}

// T returns a text of report tables in a language, with its arguments.
func T(lang i18n.Lang, key string, args ...any) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(t.In(lang), args...)
	}
	return t.In(lang)
}

func baku() *time.Location { return category.Baku }

// Title names a report by its dimensions.
func (r *Result) Title(lang i18n.Lang, label Labeler) string {
	var names []string
	for _, dm := range append(r.Definition.Rows, r.Definition.Columns...) {
		names = append(names, label(lang, dm, ""))
	}
	return T(lang, "title", strings.Join(names, T(lang, "by")))
}

// Subtitle says on which day the report counts.
func (r *Result) Subtitle(lang i18n.Lang) string {
	return T(lang, "as_of", r.AsOf.Time().Format("02.01.2006"))
}

// Notes say how to read the table.
func (r *Result) Notes(lang i18n.Lang) []string {
	var out []string
	if r.MultiValued {
		out = append(out, T(lang, "note_multi"))
	}
	if r.Definition.OverTime() {
		out = append(out, T(lang, "note_period"))
	}
	if r.ArchivedCounted {
		out = append(out, T(lang, "note_archived"))
	} else {
		out = append(out, T(lang, "note_current"))
	}
	return out
}

// RowLabel and ColumnLabel name a row and a column.
func (r *Result) RowLabel(lang i18n.Lang, label Labeler, i int) string {
	return joinLabels(lang, label, r.Definition.Rows, r.Rows[i])
}

func (r *Result) ColumnLabel(lang i18n.Lang, label Labeler, j int) string {
	if len(r.Definition.Columns) == 0 {
		return T(lang, "count")
	}
	return joinLabels(lang, label, r.Definition.Columns, r.Columns[j])
}

func joinLabels(lang i18n.Lang, label Labeler, dims []Dimension, codes []string) string {
	parts := make([]string, len(codes))
	for k, c := range codes {
		parts[k] = label(lang, dims[k], c)
	}
	return strings.Join(parts, " · ")
}

// Tables are the report as export tables: the counts with their totals,
// and the percentages when the definition asks for them.
func (r *Result) Tables(lang i18n.Lang, label Labeler) []export.Table {
	var rowNames []string
	for _, dm := range r.Definition.Rows {
		rowNames = append(rowNames, label(lang, dm, ""))
	}
	header := []string{strings.Join(rowNames, " · ")}
	for j := range r.Columns {
		header = append(header, r.ColumnLabel(lang, label, j))
	}
	withTotal := len(r.Definition.Columns) > 0
	if withTotal {
		header = append(header, T(lang, "total"))
	}
	counts := export.Table{Title: r.Title(lang, label), Header: header, Notes: append([]string{r.Subtitle(lang)}, r.Notes(lang)...)}
	for i, row := range r.Cells {
		cells := []export.Cell{export.Text(r.RowLabel(lang, label, i))}
		for _, n := range row {
			cells = append(cells, export.Num(float64(n)))
		}
		if withTotal {
			cells = append(cells, export.Num(float64(r.RowTotals[i])))
		}
		counts.Rows = append(counts.Rows, cells)
	}
	totals := []export.Cell{export.Text(T(lang, "total"))}
	for _, n := range r.ColumnTotals {
		totals = append(totals, export.Num(float64(n)))
	}
	if withTotal {
		totals = append(totals, export.Num(float64(r.Total)))
	}
	counts.Rows = append(counts.Rows, totals)
	out := []export.Table{counts}
	if r.Percent != nil {
		pct := export.Table{Title: T(lang, "percent_"+r.Definition.Options.Percent), Header: header}
		for i, row := range r.Percent {
			cells := []export.Cell{export.Text(r.RowLabel(lang, label, i))}
			for _, v := range row {
				cells = append(cells, export.Num(round1(v)))
			}
			if withTotal {
				cells = append(cells, export.Num(round1(r.RowPercent[i])))
			}
			pct.Rows = append(pct.Rows, cells)
		}
		out = append(out, pct)
	}
	return out
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// Table is a list as an export table.
func (l *List) Table(lang i18n.Lang, label Labeler) export.Table {
	t := export.Table{Title: T(lang, "list_title"),
		Header: []string{T(lang, "fin"), T(lang, "name"), T(lang, "birth_date"), T(lang, "district")}}
	for _, c := range l.Children {
		name := strings.Join(strings.Fields(c.Name.Given+" "+c.Name.Patronymic+" "+c.Name.Family), " ")
		bd := c.BirthDate
		if d, err := category.ParseDate(bd); err == nil {
			bd = d.Time().Format("02.01.2006")
		}
		t.Rows = append(t.Rows, []export.Cell{export.Text(c.FIN), export.Text(name), export.Text(bd),
			export.Text(label(lang, Dimension{Kind: KindDistrict}, c.District))})
	}
	if l.Hidden > 0 {
		t.Notes = append(t.Notes, T(lang, "hidden", l.Hidden))
	}
	return t
}
