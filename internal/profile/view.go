package profile

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
)

// View is a child's profile as a reader sees it: the summary, then each
// category present with its records, each with its sender and dates.
type View struct {
	ChildID    int64          `json:"child_id"`
	Keys       []Key          `json:"keys"`
	AsOf       string         `json:"as_of,omitempty"`
	Summary    SummaryView    `json:"summary"`
	Categories []CategoryView `json:"categories"`
	Withheld   []Withheld     `json:"withheld,omitempty"`
}

// SummaryView is the summary as shown.
type SummaryView struct {
	FIN         string              `json:"fin,omitempty"`
	Name        category.PersonName `json:"name"`
	BirthDate   string              `json:"birth_date,omitempty"`
	Age         *int                `json:"age,omitempty"`
	Sex         string              `json:"sex,omitempty"`
	Citizenship string              `json:"citizenship,omitempty"`
	Region      string              `json:"region,omitempty"`
	District    string              `json:"district,omitempty"`
	CareStatus  string              `json:"care_status,omitempty"`
	Deceased    bool                `json:"deceased,omitempty"`
}

// CategoryView is one category of a profile.
type CategoryView struct {
	Code    string         `json:"code"`
	Clause  string         `json:"clause"`
	Title   i18n.Text      `json:"title"`
	Class   category.Class `json:"class"`
	Records []RecordView   `json:"records"`
}

// RecordView is one version of a record.
type RecordView struct {
	FactID        int64           `json:"fact_id"`
	Sender        string          `json:"sender"`
	SourceID      string          `json:"source_id"`
	Action        string          `json:"action"`
	EffectiveDate string          `json:"effective_date"`
	ReceivedAt    time.Time       `json:"received_at"`
	Supersedes    int64           `json:"supersedes,omitempty"`
	Data          json.RawMessage `json:"data,omitempty"`
}

func recordView(f Fact) RecordView {
	return RecordView{
		FactID: f.ID, Sender: f.Sender, SourceID: f.SourceID, Action: f.Action,
		EffectiveDate: f.EffectiveDate.String(), ReceivedAt: f.ReceivedAt, Supersedes: f.Supersedes, Data: f.Payload,
	}
}

// Build returns the view of a child from all its facts, as of a date (the
// current view when asOf is zero; today is the date the current view is
// computed for), showing only the categories that may be shown.
func Build(childID int64, keys []Key, facts []Fact, hints Hints, asOf, today category.Date, show func(*category.Category) bool) View {
	known := Knows(facts, asOf)
	fin := ""
	for _, k := range keys {
		if k.Kind == KeyFIN {
			fin = k.Value
		}
	}
	on := today
	if !asOf.IsZero() {
		on = asOf
	}
	s := Project(known, fin, hints, on)
	v := View{ChildID: childID, Keys: keys, AsOf: asOf.String(), Categories: []CategoryView{}}
	v.Summary = SummaryView{
		FIN: s.FIN, Name: s.Name, BirthDate: s.BirthDate.String(), Sex: s.Sex, Citizenship: s.Citizenship,
		Region: s.Region, District: s.District, CareStatus: s.CareStatus, Deceased: s.Deceased,
	}
	if !s.BirthDate.IsZero() {
		age := s.BirthDate.AgeOn(on)
		v.Summary.Age = &age
	}
	for _, c := range category.All() {
		if !show(c) {
			continue
		}
		var recs []RecordView
		for _, f := range known {
			if f.Category == c.Code {
				recs = append(recs, recordView(f))
			}
		}
		if len(recs) == 0 {
			continue
		}
		// Newest in effect first.
		slices.SortStableFunc(recs, func(a, b RecordView) int {
			if a.EffectiveDate != b.EffectiveDate {
				return -cmpStr(a.EffectiveDate, b.EffectiveDate)
			}
			return int(b.FactID - a.FactID)
		})
		v.Categories = append(v.Categories, CategoryView{Code: c.Code, Clause: c.Clause, Title: c.Title, Class: c.Class, Records: recs})
	}
	return v
}

// History returns every version of every record of one category, oldest
// first, retractions included.
func History(facts []Fact, code string) []RecordView {
	out := []RecordView{}
	for _, f := range facts {
		if f.Category == code {
			out = append(out, recordView(f))
		}
	}
	slices.SortFunc(out, func(a, b RecordView) int { return int(a.FactID - b.FactID) })
	return out
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Withheld is a category of a profile that is not shown, and why: a
// sensitive category asks a person for a purpose first.
type Withheld struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// WithoutWithheldFromParents drops the records their senders withheld
// from the child's parents (an offence against the child in which a parent
// is a suspect), and the categories left empty.
func WithoutWithheldFromParents(v View) View {
	var cats []CategoryView
	for _, c := range v.Categories {
		var recs []RecordView
		for _, r := range c.Records {
			var flag struct {
				Withheld bool `json:"withheld_from_parents"`
			}
			if json.Unmarshal(r.Data, &flag) == nil && flag.Withheld {
				continue
			}
			recs = append(recs, r)
		}
		if len(recs) > 0 {
			c.Records = recs
			cats = append(cats, c)
		}
	}
	if cats == nil {
		cats = []CategoryView{}
	}
	v.Categories = cats
	return v
}
