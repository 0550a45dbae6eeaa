// Package classifier holds the classifiers that the data categories draw their
// coded values from — regions and districts, benefit and pension types,
// education levels, care forms, court decisions and the like — each value with
// a stable code and its name in Azerbaijani, English and Russian.
package classifier

import (
	"fmt"

	"github.com/scfwca/databank/internal/i18n"
)

// Item is one value of a classifier.
type Item struct {
	Code   string    `json:"code"`             // stable ASCII snake_case (or slug) code, never re-used
	Name   i18n.Text `json:"name"`             // az, en, ru
	Parent string    `json:"parent,omitempty"` // e.g. a district's economic region code
}

// List is one classifier: an ordered, immutable list of items. Items must not
// be modified; the methods return copies.
type List struct {
	Code  string    `json:"code"`
	Name  i18n.Text `json:"name"`
	Items []Item    `json:"items"`

	index    map[string]int   // item code → position in Items
	children map[string][]int // parent code → positions in Items
}

// newList builds a list and its index. It panics on an empty or duplicate
// code, and on an item whose Parent is not a code of parents (or, when
// parents is nil, on any item with a Parent): a broken classifier is a
// programming error that must stop the program at start-up.
func newList(code string, name i18n.Text, parents *List, items ...Item) *List {
	if code == "" {
		panic("classifier: list with an empty code")
	}
	l := &List{
		Code:     code,
		Name:     name,
		Items:    items,
		index:    make(map[string]int, len(items)),
		children: make(map[string][]int),
	}
	for i, it := range items {
		if it.Code == "" {
			panic(fmt.Sprintf("classifier %s: item %d has an empty code", code, i))
		}
		if _, dup := l.index[it.Code]; dup {
			panic(fmt.Sprintf("classifier %s: duplicate code %q", code, it.Code))
		}
		if it.Name.AZ == "" || it.Name.EN == "" || it.Name.RU == "" {
			panic(fmt.Sprintf("classifier %s: item %q lacks a name", code, it.Code))
		}
		if it.Parent != "" || parents != nil {
			if parents == nil || !parents.Has(it.Parent) {
				panic(fmt.Sprintf("classifier %s: item %q has parent %q, which is not a %s",
					code, it.Code, it.Parent, parentName(parents)))
			}
			l.children[it.Parent] = append(l.children[it.Parent], i)
		}
		l.index[it.Code] = i
	}
	return l
}

func parentName(parents *List) string {
	if parents == nil {
		return "parent list"
	}
	return parents.Code
}

// item is shorthand for an Item without a parent.
func item(code, az, en, ru string) Item {
	return Item{Code: code, Name: i18n.T(az, en, ru)}
}

// Lookup returns the item with the given code.
func (l *List) Lookup(code string) (Item, bool) {
	i, ok := l.index[code]
	if !ok {
		return Item{}, false
	}
	return l.Items[i], true
}

// Has reports whether code is a code of the list.
func (l *List) Has(code string) bool {
	_, ok := l.index[code]
	return ok
}

// Codes returns the codes of the list's items, in order.
func (l *List) Codes() []string {
	codes := make([]string, len(l.Items))
	for i, it := range l.Items {
		codes[i] = it.Code
	}
	return codes
}

// Children returns the items whose Parent is parent, in order, or nil.
func (l *List) Children(parent string) []Item {
	idx := l.children[parent]
	if len(idx) == 0 {
		return nil
	}
	items := make([]Item, len(idx))
	for j, i := range idx {
		items[j] = l.Items[i]
	}
	return items
}

// all lists every classifier in the order All returns them.
var all = []*List{
	Regions,
	Districts,
	Sexes,
	Citizenships,
	BenefitTypes,
	PensionTypes,
	EmploymentStatuses,
	SocialServiceTypes,
	CareForms,
	DisabilityDegrees,
	HealthGroups,
	EducationLevels,
	EducationForms,
	InstructionLanguages,
	SpecialEducationPrograms,
	OlympiadLevels,
	CompetitionLevels,
	Sports,
	SportRanks,
	OffenceDecisions,
	EducationalMeasureTypes,
	UnaccompaniedPlacements,
	AppealKinds,
	AppealStatuses,
	MaritalEvents,
}

var byCode = func() map[string]*List {
	m := make(map[string]*List, len(all))
	for _, l := range all {
		if _, dup := m[l.Code]; dup {
			panic(fmt.Sprintf("classifier: duplicate list code %q", l.Code))
		}
		m[l.Code] = l
	}
	return m
}()

// All returns every classifier, in a stable order.
func All() []*List {
	return append([]*List(nil), all...)
}

// Get returns the classifier with the given code, such as "district".
func Get(code string) (*List, bool) {
	l, ok := byCode[code]
	return l, ok
}
