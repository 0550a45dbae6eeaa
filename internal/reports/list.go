package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/store"
)

// Reader is who asks for a list of children, and why.
type Reader struct {
	Actor   audit.Actor
	Subject access.Subject
	// Purpose is why: needed when the list reveals health, justice or
	// care data.
	Purpose string
}

// Cell names the children behind a cell of a report: the codes of its
// row's values and of its column's. A side left empty takes every value:
// an empty Column is the row's total, both empty all the report counts.
type Cell struct {
	Row    []string `json:"row,omitempty"`
	Column []string `json:"column,omitempty"`
}

// ListEntry is a child in a list: what identifies it, and the key of its
// profile.
type ListEntry struct {
	ChildID   int64               `json:"-"`
	Key       string              `json:"key"`
	FIN       string              `json:"fin,omitempty"`
	Name      category.PersonName `json:"name"`
	BirthDate string              `json:"birth_date,omitempty"`
	District  string              `json:"district,omitempty"`
}

// List is the list of the children behind a cell that the reader may
// see; Hidden counts those of the cell outside the reader's rights.
type List struct {
	Children []ListEntry `json:"children"`
	Hidden   int         `json:"hidden"`
}

// listColumns are what a list reads of each child, beyond its dimensions.
var listColumns = []string{"region", "district", "fin", "given_name", "family_name", "patronymic", "father_fin", "mother_fin", "status", "archived_on"}

// checkList checks what a list needs beyond a valid definition: a cell
// that fits the report, and a purpose when it reveals sensitive data.
func (s *Service) checkList(reader Reader, d Definition, cell Cell) error {
	if !MayReport(reader.Subject) {
		return fault.E("reports.List", fault.Forbidden, msgNoReports)
	}
	if err := d.Validate(s.today(), s.Limits); err != nil {
		return err
	}
	var errs []fault.FieldError
	if n := len(cell.Row); n != 0 && n != len(d.Rows) {
		errs = append(errs, problem("cell.row", "unknown_cell"))
	}
	if n := len(cell.Column); n != 0 && n != len(d.Columns) {
		errs = append(errs, problem("cell.column", "unknown_cell"))
	}
	if strings.TrimSpace(reader.Purpose) == "" && reader.Subject.Role != access.System {
		for _, c := range s.listCategories(d, cell) {
			if c.Class.Sensitive() {
				errs = append(errs, problem("purpose", "purpose_required"))
				break
			}
		}
	}
	if len(errs) > 0 {
		return fault.E("reports.List", fault.Invalid, errs, msgInvalid)
	}
	return nil
}

// listCategories are the categories a list reveals something of: those of
// the definition, and the category of the cell's category value.
func (s *Service) listCategories(d Definition, cell Cell) []*category.Category {
	cats := d.Categories()
	codes := append(slices.Clone(cell.Row), cell.Column...)
	dims := d.dims()
	for i, code := range codes {
		dimIdx := i
		if i >= len(cell.Row) {
			dimIdx = len(d.Rows) + i - len(cell.Row)
		}
		if dimIdx < len(dims) && dims[dimIdx].Kind == KindCategory {
			if c, ok := category.Lookup(code); ok && !slices.Contains(cats, c) {
				cats = append(cats, c)
			}
		}
	}
	return cats
}

// List returns the children behind a cell of a report that the reader
// may see by the access policy: their identity, and each category the
// report reveals something of. A list of more than Limits.MaxListRows
// children is refused. Each list leaves exactly one audit entry, with
// the count and no names.
func (s *Service) List(ctx context.Context, reader Reader, d Definition, cell Cell) (*List, error) {
	if err := s.checkList(reader, d, cell); err != nil {
		return nil, err
	}
	today := s.today()
	p := d.plan(d.asOf(today))
	want := make([]string, len(p.dims)) // "" for any value
	copy(want, cell.Row)
	if len(cell.Column) > 0 {
		copy(want[len(d.Rows):], cell.Column)
	}
	q := p.scan(1)
	q.Parts = nil
	// The cell's own values narrow the scan in SQL where they can; every
	// child read is still checked against the cell below.
	for i, dp := range p.dims {
		code := want[i]
		if code == "" || code == NoValue {
			continue
		}
		switch dp.Kind {
		case KindRegion:
			q.Regions = intersect(q.Regions, []string{code})
		case KindDistrict:
			q.Districts = intersect(q.Districts, []string{code})
		case KindSex:
			q.Sexes = intersect(q.Sexes, []string{code})
		case KindCitizenship:
			q.Citizenships = intersect(q.Citizenships, []string{code})
		case KindCategory:
			if c, ok := category.Lookup(code); ok {
				q.HasAll |= 1 << c.Bit
			}
		}
	}
	base := len(p.columns)
	q.Columns = append(slices.Clone(p.columns), listColumns...)
	col := func(r *store.ReportRow, name string) string { return r.Cols[base+slices.Index(listColumns, name)] }
	m := &accumulator{p: p, lastAge: -2}
	var found []ListEntry
	var policy []access.Child
	matched := 0
	err := s.store.ScanReport(ctx, q, func(_ int, r *store.ReportRow) error {
		if !m.matches(r, want) {
			return nil
		}
		matched++
		if matched > s.Limits.MaxListRows {
			return nil
		}
		e := ListEntry{ChildID: r.ChildID, FIN: col(r, "fin"), BirthDate: r.Cols[p.birthCol], District: col(r, "district"),
			Name: category.PersonName{Given: col(r, "given_name"), Family: col(r, "family_name"), Patronymic: col(r, "patronymic")}}
		e.Key = e.FIN
		if e.Key == "" {
			e.Key = "id:" + strconv.FormatInt(r.ChildID, 10)
		}
		found = append(found, e)
		ch := access.Child{Region: col(r, "region"), District: col(r, "district"), Status: col(r, "status"),
			FatherFIN: col(r, "father_fin"), MotherFIN: col(r, "mother_fin")}
		if on, err := category.ParseDate(col(r, "archived_on")); err == nil && ch.Status == "archived" {
			ch.SendersUntil = on.AddDays(s.ArchiveDays())
		}
		policy = append(policy, ch)
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	detail := map[string]any{"definition": d, "cell": cell, "purpose": reader.Purpose}
	if matched > s.Limits.MaxListRows {
		detail["matched"] = matched
		s.audit(ctx, reader, "refused: too many children", detail)
		return nil, fault.E("reports.List", fault.Invalid, problem("cell", "too_many_list_rows", matched, s.Limits.MaxListRows), msgInvalid)
	}
	cats := append([]*category.Category{category.CatBirthRegistration}, s.listCategories(d, cell)...)
	out := &List{Children: []ListEntry{}}
	for i, e := range found {
		ch := policy[i]
		if ch.Status == "archived" {
			if ch.SentBy, err = s.store.Senders(ctx, e.ChildID); err != nil {
				return nil, err
			}
		}
		if readable(reader.Subject, ch, cats, today) {
			out.Children = append(out.Children, e)
		} else {
			out.Hidden++
		}
	}
	slices.SortFunc(out.Children, func(a, b ListEntry) int {
		return strings.Compare(a.Name.Family+"\x00"+a.Name.Given+"\x00"+a.Key, b.Name.Family+"\x00"+b.Name.Given+"\x00"+b.Key)
	})
	detail["listed"], detail["hidden"] = len(out.Children), out.Hidden
	if err := s.audit(ctx, reader, fmt.Sprintf("%d listed", len(out.Children)), detail); err != nil {
		return nil, err
	}
	return out, nil
}

// readable reports whether the policy lets the subject read every one of
// the categories of a child.
func readable(s access.Subject, ch access.Child, cats []*category.Category, today category.Date) bool {
	for _, c := range cats {
		if !access.Decide(s, access.Read, c, ch, today).Allow {
			return false
		}
	}
	return true
}

func (s *Service) audit(ctx context.Context, reader Reader, outcome string, detail map[string]any) error {
	b, _ := json.Marshal(detail)
	return s.store.Audit(ctx, audit.Entry{Actor: reader.Actor, Action: "report.list", Outcome: outcome, Detail: string(b)})
}

// matches reports whether a child belongs to a cell (want holds a code
// per dimension, "" for any), by the same rules it is counted by.
func (a *accumulator) matches(r *store.ReportRow, want []string) bool {
	p := a.p
	age := a.age(r.Cols[p.birthCol])
	if age < 0 || (age > 17 && !p.def.OverTime()) || !p.ages[age] {
		return false
	}
	for i, dp := range p.dims {
		switch dp.Kind {
		case KindCategory:
			if want[i] == "" {
				continue
			}
			c, ok := category.Lookup(want[i])
			if !ok || r.Categories&(1<<c.Bit) == 0 {
				return false
			}
		case KindField, KindPeriod:
			if dp.Kind == KindPeriod && len(r.Values) == 0 {
				return false
			}
			if want[i] == "" {
				continue
			}
			if len(r.Values) == 0 {
				if want[i] != NoValue {
					return false
				}
				continue
			}
			ok := false
			for _, v := range r.Values {
				if dp.Kind == KindField {
					v = dp.field.normalize(v)
				}
				if v == "" {
					v = NoValue
				}
				ok = ok || v == want[i]
			}
			if !ok {
				return false
			}
		default:
			if want[i] == "" {
				continue
			}
			code := r.Cols[dp.col]
			switch dp.Kind {
			case KindAge:
				code = strconv.Itoa(age)
				if age >= 18 {
					code = "18+"
				}
			case KindAgeBand:
				code = bandOf(age)
			case KindCareStatus:
				if code == "" {
					code = CareParents
				}
			default:
				if code == "" {
					code = NoValue
				}
			}
			if code != want[i] {
				return false
			}
		}
	}
	return true
}
