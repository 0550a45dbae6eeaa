package annual

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/export"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// The standings of a participant in the reporting rate.
const (
	OnTime  = "on_time"
	Late    = "late"
	Missing = "missing" // not submitted and the deadline has passed
	Pending = "pending" // not submitted yet, the deadline still ahead
)

// RateRow is one participant's standing.
type RateRow struct {
	Participant string
	State       string
	Standing    string
	SubmittedAt time.Time
	Deadline    string
	LastDay     string
}

// Rate is the reporting rate of a year.
type Rate struct {
	Year   int
	Rows   []RateRow
	Counts map[string]int
	Total  int
}

// Share is the share of participants with a standing, in percent.
func (r *Rate) Share(standing string) float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Counts[standing]) * 100 / float64(r.Total)
}

// Rate tells, for a year, which participants submitted on time, late, or
// not at all (missing once the deadline passed, pending before), with
// counts. A returned report counts as not submitted until it is submitted
// again.
func (s *Service) Rate(ctx context.Context, who Who, year int) (*Rate, error) {
	if !who.ReadsAll() {
		return nil, fault.E("annual.Rate", fault.Forbidden, msgForbidden)
	}
	fs, err := s.store.AnnualForms(ctx, year, "")
	if err != nil {
		return nil, err
	}
	today := s.today()
	r := &Rate{Year: year, Counts: map[string]int{OnTime: 0, Late: 0, Missing: 0, Pending: 0}}
	for _, f := range fs {
		row := RateRow{Participant: f.Participant, State: f.State, SubmittedAt: f.SubmittedAt, Deadline: f.Deadline, LastDay: LastDay(&f)}
		switch {
		case (f.State == Submitted || f.State == Accepted) && f.Late:
			row.Standing = Late
		case f.State == Submitted || f.State == Accepted:
			row.Standing = OnTime
		case today > f.Deadline:
			row.Standing = Missing
		default:
			row.Standing = Pending
		}
		r.Counts[row.Standing]++
		r.Total++
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

var nationalWords = map[string]i18n.Text{
	"title":       i18n.T("Uşaq hüquqlarının vəziyyəti haqqında milli hesabat", "National report on the state of children's rights", "Национальный отчёт о состоянии прав детей"),
	"rate":        i18n.T("Hesabatların təqdim olunması", "Reporting rate", "Представление отчётов"),
	"indicators":  i18n.T("Göstəricilər", "Indicators", "Показатели"),
	"narrative":   i18n.T("Təsviri hissə", "Narrative", "Описательная часть"),
	"participant": i18n.T("İştirakçı", "Participant", "Участник"),
	"standing":    i18n.T("Vəziyyət", "Standing", "Положение"),
	"submitted":   i18n.T("Təqdim olunub", "Submitted", "Представлен"),
	"deadline":    i18n.T("Son tarix", "Deadline", "Срок"),
	"section":     i18n.T("Bölmə", "Section", "Раздел"),
	"code":        i18n.T("Kod", "Code", "Код"),
	"indicator":   i18n.T("Göstərici", "Indicator", "Показатель"),
	"reports":     i18n.T("Hesabatlar", "Reports", "Отчёты"),
	"reported":    i18n.T("Bildirilib (cəm)", "Reported (sum)", "Сообщено (сумма)"),
	"summary":     i18n.T("Xülasə", "Summary", "Сводка"),
	"computed":    i18n.T("Məlumat Bankı üzrə", "Data Bank", "По Банку данных"),
	"text":        i18n.T("Mətn", "Text", "Текст"),
	"on_time":     i18n.T("Vaxtında", "On time", "Вовремя"),
	"late":        i18n.T("Gecikmiş", "Late", "С опозданием"),
	"missing":     i18n.T("Təqdim olunmayıb", "Missing", "Не представлен"),
	"pending":     i18n.T("Gözlənilir", "Not yet due", "Ожидается"),
	"total":       i18n.T("Cəmi", "Total", "Всего"),
	"share":       i18n.T("Pay, %", "Share, %", "Доля, %"),
	"count":       i18n.T("Say", "Count", "Количество"),
	"yes":         i18n.T("bəli", "yes", "да"),
	"no":          i18n.T("xeyr", "no", "нет"),
	"note":        i18n.T("Yalnız təqdim olunmuş və qəbul edilmiş hesabatlar sayılır. Məlumat Bankı üzrə rəqəmlər ilin 31 dekabrına 18 yaşadək uşaqlar üzrə bütün ölkə üçündür.", "Only submitted and accepted reports are counted. The Data Bank's figures are for the whole country, over the children under 18 on 31 December of the year.", "Учитываются только представленные и принятые отчёты. Цифры Банка данных — по всей стране, по детям до 18 лет на 31 декабря года."),
}

func word(lang i18n.Lang, k string) string { return nationalWords[k].In(lang) }

// indicatorSum gathers what participants reported for one indicator.
type indicatorSum struct {
	section string
	in      Indicator
	n       int
	sum     float64
	yes     int
	choices map[string]int
}

// National is the consolidated national report of a year: the reporting
// rate, then for each indicator what the participants reported — the sum
// of numbers, the yes count of yes/no questions, the tally of choices —
// beside the figure the Data Bank computes itself, and the narratives.
// Names are given in lang; orgName names a participant.
func (s *Service) National(ctx context.Context, who Who, year int, lang i18n.Lang, orgName func(string) string) (export.Document, error) {
	rate, err := s.Rate(ctx, who, year)
	if err != nil {
		return export.Document{}, err
	}
	reports, err := s.Reports(ctx, who, year)
	if err != nil {
		return export.Document{}, err
	}
	measures, _, err := s.Measures(ctx, year, "")
	if err != nil {
		return export.Document{}, err
	}
	rt := export.Table{Title: word(lang, "rate"), Header: []string{word(lang, "participant"), word(lang, "standing"), word(lang, "submitted"), word(lang, "deadline")}}
	for _, row := range rate.Rows {
		sub := export.Null()
		if !row.SubmittedAt.IsZero() {
			sub = export.Text(row.SubmittedAt.In(bakuLoc()).Format("2006-01-02 15:04"))
		}
		rt.Rows = append(rt.Rows, []export.Cell{export.Text(orgName(row.Participant)), export.Text(word(lang, row.Standing)), sub, export.Text(row.LastDay)})
	}
	for _, k := range []string{OnTime, Late, Missing, Pending} {
		rt.Notes = append(rt.Notes, fmt.Sprintf("%s: %d (%.1f%%)", word(lang, k), rate.Counts[k], rate.Share(k)))
	}
	rt.Notes = append(rt.Notes, fmt.Sprintf("%s: %d", word(lang, "total"), rate.Total))

	var order []string
	sums := map[string]*indicatorSum{}
	var narrative [][]export.Cell
	for _, r := range reports {
		for _, sec := range r.Form.Sections {
			for _, in := range sec.Indicators {
				is, ok := sums[in.Code]
				if !ok {
					is = &indicatorSum{section: sec.Title.In(lang), in: in, choices: map[string]int{}}
					sums[in.Code] = is
					order = append(order, in.Code)
				}
				if r.State != Submitted && r.State != Accepted {
					continue
				}
				v, ok := r.Values[in.Code]
				if !ok {
					continue
				}
				is.n++
				switch in.Type {
				case Integer, Decimal, Percent:
					f, _ := number(v)
					is.sum += f
				case Boolean:
					if b, _ := v.(bool); b {
						is.yes++
					}
				case Choice:
					is.choices[Show(v)]++
				case TextT:
					narrative = append(narrative, []export.Cell{export.Text(orgName(r.Participant)), export.Text(in.Label.In(lang)), export.Text(Show(v))})
				}
			}
		}
	}
	it := export.Table{Title: word(lang, "indicators"), Header: []string{word(lang, "section"), word(lang, "code"), word(lang, "indicator"),
		word(lang, "reports"), word(lang, "reported"), word(lang, "summary"), word(lang, "computed")},
		Notes: []string{word(lang, "note")}}
	for _, code := range order {
		is := sums[code]
		if is.in.Type == TextT {
			continue
		}
		row := []export.Cell{export.Text(is.section), export.Text(code), export.Text(is.in.Label.In(lang)), export.Num(float64(is.n)), export.Null(), export.Null(), export.Null()}
		switch is.in.Type {
		case Integer, Decimal:
			if is.n > 0 {
				row[4] = export.Num(is.sum)
			}
		case Percent:
			if is.n > 0 {
				row[5] = export.Text(fmt.Sprintf("%.1f%%", is.sum/float64(is.n)))
			}
		case Boolean:
			row[5] = export.Text(fmt.Sprintf("%s: %d, %s: %d", word(lang, "yes"), is.yes, word(lang, "no"), is.n-is.yes))
		case Choice:
			var parts []string
			for _, o := range is.in.Choices {
				if c := is.choices[o.Code]; c > 0 {
					parts = append(parts, fmt.Sprintf("%s: %d", o.Label.In(lang), c))
				}
			}
			sort.Strings(parts)
			row[5] = export.Text(joinComma(parts))
		}
		if is.in.Computed != "" {
			row[6] = export.Num(float64(measures[is.in.Computed]))
		}
		it.Rows = append(it.Rows, row)
	}
	nt := export.Table{Title: word(lang, "narrative"), Header: []string{word(lang, "participant"), word(lang, "indicator"), word(lang, "text")}, Rows: narrative}
	return export.Document{Title: fmt.Sprintf("%s — %d", word(lang, "title"), year), Generated: s.now(), Lang: string(lang),
		Tables: []export.Table{rt, it, nt}}, nil
}

func joinComma(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += "; "
		}
		out += p
	}
	return out
}

func bakuLoc() *time.Location { return category.Baku }
