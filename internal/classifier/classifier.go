// Package classifier holds the classifiers that the data categories draw their
// coded values from — regions and districts, benefit and pension types,
// education levels, care forms, court decisions and the like — each value with
// a stable code and its name in Azerbaijani, English and Russian.
package classifier

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Item is one value of a classifier.
type Item struct {
	Code   string    `json:"code"`             // stable ASCII snake_case (or slug) code, never re-used
	Name   i18n.Text `json:"name"`             // az, en, ru
	Parent string    `json:"parent,omitempty"` // e.g. a district's economic region code
}

// List is one classifier: the items it was built with, and the
// operator's changes to them (items added, renamed or retired), applied
// at run time. A code is never re-used: a retired item is no longer
// accepted in new records but still names the old ones.
type List struct {
	Code string    `json:"code"`
	Name i18n.Text `json:"name"`

	parents *List
	base    []Item
	cur     atomic.Pointer[snapshot]
}

// snapshot is a list as it stands: its items, in order, and its indexes.
type snapshot struct {
	items    []Item
	retired  map[string]bool
	index    map[string]int   // item code → position in items
	children map[string][]int // parent code → positions in items
}

func (s *snapshot) has(code string) bool {
	_, ok := s.index[code]
	return ok && !s.retired[code]
}

// newList builds a list and its index. It panics on an empty or duplicate
// code, and on an item whose Parent is not a code of parents (or, when
// parents is nil, on any item with a Parent): a broken classifier is a
// programming error that must stop the program at start-up.
func newList(code string, name i18n.Text, parents *List, items ...Item) *List {
	if code == "" {
		panic("classifier: list with an empty code")
	}
	l := &List{Code: code, Name: name, parents: parents, base: items}
	var ps *snapshot
	if parents != nil {
		ps = parents.cur.Load()
	}
	snap, err := l.build(nil, ps)
	if err != nil {
		panic(err.Error())
	}
	l.cur.Store(snap)
	return l
}

// build makes the list's snapshot from its items and changes, checking
// every item, a parent against the parents' snapshot.
func (l *List) build(changes []Change, parents *snapshot) (*snapshot, error) {
	items := append([]Item(nil), l.base...)
	retired := map[string]bool{}
	at := map[string]int{}
	for i, it := range items {
		at[it.Code] = i
	}
	for _, c := range changes {
		it := Item{Code: c.Code, Name: c.Name, Parent: c.Parent}
		if i, ok := at[c.Code]; ok {
			items[i] = it
		} else {
			at[c.Code] = len(items)
			items = append(items, it)
		}
		if c.Retired {
			retired[c.Code] = true
		} else {
			delete(retired, c.Code)
		}
	}
	s := &snapshot{items: items, retired: retired, index: make(map[string]int, len(items)), children: make(map[string][]int)}
	for i, it := range items {
		if it.Code == "" {
			return nil, fmt.Errorf("classifier %s: item %d has an empty code", l.Code, i)
		}
		if _, dup := s.index[it.Code]; dup {
			return nil, fmt.Errorf("classifier %s: duplicate code %q", l.Code, it.Code)
		}
		if it.Name.AZ == "" || it.Name.EN == "" || it.Name.RU == "" {
			return nil, fmt.Errorf("classifier %s: item %q lacks a name", l.Code, it.Code)
		}
		if it.Parent != "" || l.parents != nil {
			if l.parents == nil || parents == nil || !parents.has(it.Parent) {
				return nil, fmt.Errorf("classifier %s: item %q has parent %q, which is not a %s",
					l.Code, it.Code, it.Parent, parentName(l.parents))
			}
			s.children[it.Parent] = append(s.children[it.Parent], i)
		}
		s.index[it.Code] = i
	}
	return s, nil
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

// Lookup returns the item with the given code, retired or not: a retired
// item still names the records that have it.
func (l *List) Lookup(code string) (Item, bool) {
	s := l.cur.Load()
	i, ok := s.index[code]
	if !ok {
		return Item{}, false
	}
	return s.items[i], true
}

// Has reports whether code is a code new records may have: an item of
// the list that is not retired.
func (l *List) Has(code string) bool {
	s := l.cur.Load()
	_, ok := s.index[code]
	return ok && !s.retired[code]
}

// Retired reports whether an item of the list was retired.
func (l *List) Retired(code string) bool { return l.cur.Load().retired[code] }

// Items returns the items new records may have, in order.
func (l *List) Items() []Item {
	s := l.cur.Load()
	out := make([]Item, 0, len(s.items))
	for _, it := range s.items {
		if !s.retired[it.Code] {
			out = append(out, it)
		}
	}
	return out
}

// AllItems returns every item, the retired ones too, in order.
func (l *List) AllItems() []Item {
	return append([]Item(nil), l.cur.Load().items...)
}

// ParentList returns the list the items belong to, or nil.
func (l *List) ParentList() *List { return l.parents }

// HasParents reports whether the list's items belong to items of another
// list (districts to regions), and which.
func (l *List) HasParents() (*List, bool) { return l.parents, l.parents != nil }

// Codes returns the codes new records may have, in order.
func (l *List) Codes() []string {
	items := l.Items()
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.Code
	}
	return codes
}

// Children returns the items whose Parent is parent, in order, or nil;
// retired ones included.
func (l *List) Children(parent string) []Item {
	s := l.cur.Load()
	idx := s.children[parent]
	if len(idx) == 0 {
		return nil
	}
	items := make([]Item, len(idx))
	for j, i := range idx {
		items[j] = s.items[i]
	}
	return items
}

// Change is the operator's change to an item of a list: a new item, a new
// name (or parent) for an existing one, or its retirement.
type Change struct {
	List    string    `json:"list"`
	Code    string    `json:"code"`
	Name    i18n.Text `json:"name"`
	Parent  string    `json:"parent,omitempty"`
	Retired bool      `json:"retired,omitempty"`
}

// code is the form of a new item's code.
var code = regexp.MustCompile(`^[a-z][a-z0-9_]{1,49}$`)

// Check checks a change against the lists as they stand and the changes
// before it, and names the wrong fields.
func Check(c Change) []fault.FieldError {
	var errs []fault.FieldError
	l, ok := Get(c.List)
	if !ok {
		return []fault.FieldError{problem("list", msgNoList)}
	}
	if _, exists := l.Lookup(c.Code); !exists && !code.MatchString(c.Code) {
		errs = append(errs, problem("code", msgCode))
	}
	for _, n := range []struct{ field, v string }{{"name.az", c.Name.AZ}, {"name.en", c.Name.EN}, {"name.ru", c.Name.RU}} {
		switch t := strings.TrimSpace(n.v); {
		case t == "":
			errs = append(errs, problem(n.field, msgName))
		case utf8.RuneCountInString(t) > 200:
			errs = append(errs, problem(n.field, msgLong))
		}
	}
	if parents, ok := l.HasParents(); ok && !parents.Has(c.Parent) {
		errs = append(errs, problem("parent", msgParent))
	} else if !ok && c.Parent != "" {
		errs = append(errs, problem("parent", msgParent))
	}
	return errs
}

func problem(field string, msg i18n.Text) fault.FieldError {
	return fault.FieldError{Field: field, Code: "classifier_change", Message: msg}
}

var (
	msgNoList = i18n.T("Belə təsnifat yoxdur", "There is no such classifier", "Такого классификатора нет")
	msgCode   = i18n.T("Kod kiçik latın hərfi ilə başlayır, sonra 1–49 kiçik hərf, rəqəm və ya _", "A code starts with a small Latin letter, then 1–49 small letters, digits or _", "Код начинается со строчной латинской буквы, затем 1–49 строчных букв, цифр или _")
	msgName   = i18n.T("Ad hər üç dildə verilməlidir", "The name is needed in all three languages", "Название нужно на всех трёх языках")
	msgLong   = i18n.T("Ən çox 200 simvol", "At most 200 characters", "Не более 200 символов")
	msgParent = i18n.T("Aid olduğu element yuxarı təsnifatın kodu olmalıdır", "The parent must be a code of the list above", "Родитель должен быть кодом вышестоящего списка")
)

// Apply makes the operator's changes the lists' state, all of them at
// once: each list becomes its built-in items with its changes applied in
// order. Lists without changes return to their built-in items. Changes
// that would break a list leave every list as it was.
func Apply(changes []Change) error {
	applyMu.Lock()
	defer applyMu.Unlock()
	snaps, err := prepare(changes)
	if err != nil {
		return err
	}
	for l, s := range snaps {
		l.cur.Store(s)
	}
	return nil
}

// Try reports whether Apply would accept the changes, changing nothing.
func Try(changes []Change) error {
	_, err := prepare(changes)
	return err
}

// prepare builds every list's snapshot from the changes: the lists of
// parents first, then those whose items belong to them.
func prepare(changes []Change) (map[*List]*snapshot, error) {
	byList := map[string][]Change{}
	for _, c := range changes {
		if _, ok := byCode[c.List]; !ok {
			return nil, fmt.Errorf("classifier: no list %q", c.List)
		}
		byList[c.List] = append(byList[c.List], c)
	}
	snaps := map[*List]*snapshot{}
	for _, pass := range []bool{false, true} {
		for _, l := range all {
			if (l.parents != nil) != pass {
				continue
			}
			var ps *snapshot
			if l.parents != nil {
				ps = snaps[l.parents]
			}
			s, err := l.build(byList[l.Code], ps)
			if err != nil {
				return nil, err
			}
			snaps[l] = s
		}
	}
	return snaps, nil
}

var applyMu sync.Mutex

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
