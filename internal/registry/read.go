package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/azid"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/namefold"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
)

// Reader is who reads a profile and why.
type Reader struct {
	Actor audit.Actor
	// Subject is the reader as the access policy sees it.
	Subject access.Subject
	// Purpose is why the reader reads (a case number or a reason), kept
	// in the audit entry; sensitive categories are shown to persons only
	// with one.
	Purpose string
	// Restricted marks a read a law-enforcement body keeps from the
	// child's parents for a while (the access log shows it later).
	Restricted bool
}

var msgNoChild = i18n.T("Görə biləcəyiniz belə uşaq yoxdur", "There is no such child that you may see", "Нет такого ребёнка, которого вы можете видеть")

// visible loads a child and decides, by the access policy, which
// categories the reader may see of it now. A child of which nothing may
// be seen is not found: the answer does not reveal that it exists. The
// decision is audited, allowed or denied.
func (s *Service) visible(ctx context.Context, reader Reader, key, action string, extra map[string]string) (*store.Child, func(*category.Category) bool, []profile.Withheld, error) {
	c, err := s.loadChild(ctx, key)
	if err != nil {
		return nil, nil, nil, err
	}
	today := category.Today(s.now())
	child, err := s.policyChild(ctx, c.ID, c.Summary)
	if err != nil {
		return nil, nil, nil, err
	}
	allowed, needPurpose := access.Categories(reader.Subject, child, today)
	shown := map[*category.Category]bool{}
	for _, cat := range allowed {
		shown[cat] = true
	}
	var withheld []profile.Withheld
	for _, cat := range needPurpose {
		if reader.Purpose != "" {
			shown[cat] = true
		} else {
			withheld = append(withheld, profile.Withheld{Code: cat.Code, Reason: "purpose_required"})
		}
	}
	outcome := "allowed"
	if len(allowed)+len(needPurpose) == 0 {
		outcome = "denied"
	}
	detail := map[string]string{"purpose": reader.Purpose, "shown": fmt.Sprint(len(shown)), "withheld": fmt.Sprint(len(withheld))}
	if reader.Restricted {
		detail["restricted"] = "true"
	}
	for k, v := range extra {
		detail[k] = v
	}
	b, _ := json.Marshal(detail)
	if err := s.store.Audit(ctx, audit.Entry{Actor: reader.Actor, Action: action, ChildID: c.ID, Outcome: outcome, Detail: string(b)}); err != nil {
		return nil, nil, nil, err
	}
	if outcome == "denied" {
		return nil, nil, nil, fault.E("registry.Profile", fault.NotFound, msgNoChild, fmt.Errorf("nothing of child %d may be seen", c.ID))
	}
	return c, func(cat *category.Category) bool { return shown[cat] }, withheld, nil
}

// Profile returns the profile of the child a key names, as of a date (the
// current profile when asOf is zero), as far as the reader may see it.
// The read is audited.
func (s *Service) Profile(ctx context.Context, reader Reader, key string, asOf category.Date) (profile.View, error) {
	today := category.Today(s.now())
	if !asOf.IsZero() && asOf.After(today) {
		return profile.View{}, fault.E("registry.Profile", fault.Invalid, category.Problem("as_of", "date_future"))
	}
	c, show, withheld, err := s.visible(ctx, reader, key, "profile.read", map[string]string{"as_of": asOf.String()})
	if err != nil {
		return profile.View{}, err
	}
	v := profile.Build(c.ID, c.Keys, c.Facts, c.Hints, asOf, today, show)
	v.Withheld = withheld
	if reader.Subject.Role == access.Parent {
		v = profile.WithoutWithheldFromParents(v)
	}
	return v, nil
}

// History returns every version of every record of one category of a
// child's profile, oldest first. The read is audited.
func (s *Service) History(ctx context.Context, reader Reader, key, code string) ([]profile.RecordView, error) {
	cat, ok := category.Lookup(code)
	if !ok {
		return nil, fault.E("registry.History", fault.Invalid, category.Problem("category", "unknown_category"))
	}
	c, show, _, err := s.visible(ctx, reader, key, "profile.history", map[string]string{"history": code})
	if err != nil {
		return nil, err
	}
	if !show(cat) {
		return nil, fault.E("registry.History", fault.Forbidden, category.Problem("category", "forbidden_category"))
	}
	return profile.History(c.Facts, code), nil
}

// Search finds children by a document key, or by name and birth date,
// and audits the search with its criteria.
func (s *Service) Search(ctx context.Context, reader Reader, sel ChildSelector) ([]store.Match, error) {
	criteria, _ := json.Marshal(sel)
	detail, _ := json.Marshal(map[string]string{"criteria": string(criteria), "purpose": reader.Purpose})
	var out []store.Match
	switch keys := sel.keys(); {
	case len(keys) > 0:
		out = []store.Match{}
		id, err := s.store.FindChild(ctx, keys[0])
		if err != nil && !fault.Is(err, fault.NotFound) {
			return nil, err
		}
		if err == nil {
			sum, status, err := s.store.StoredSummary(ctx, id)
			if err != nil && !fault.Is(err, fault.NotFound) {
				return nil, err
			}
			out = append(out, store.Match{ChildID: id, FIN: sum.FIN, Name: sum.Name, BirthDate: sum.BirthDate.String(), District: sum.District, Status: status})
		}
	case sel.Name != nil && !sel.BirthDate.IsZero():
		var err error
		if out, err = s.store.SearchByName(ctx, profile.NameKey(*sel.Name), sel.BirthDate, 20); err != nil {
			return nil, err
		}
	default:
		return nil, fault.E("registry.Search", fault.Invalid, category.Problem("child", "child_key_missing"))
	}
	err := s.store.Audit(ctx, audit.Entry{Actor: reader.Actor, Action: "child.search", Outcome: fmt.Sprintf("%d found", len(out)), Detail: string(detail)})
	return out, err
}

// DecodeSelector reads a child selector from JSON, listing every wrong
// field.
func (s *Service) DecodeSelector(raw []byte) (ChildSelector, error) {
	var sel ChildSelector
	if errs := category.Decode(raw, &sel, category.Context{Today: category.Today(s.now())}, ""); len(errs) > 0 {
		return sel, fault.E("registry.DecodeSelector", fault.Invalid, errs)
	}
	return sel, nil
}

// Query is a search for children as people type it.
type Query struct {
	Text             string // a name in any spelling, or a FIN
	Region, District string
	AgeFrom, AgeTo   int    // -1 for any
	Has              string // a category code that must be present
	Page             int
}

// SearchProfiles finds the children a reader may see, one page at a time:
// a child is listed only when the access policy lets the reader see its
// identity. A parent searches among their own children. The search is
// audited with its criteria.
func (s *Service) SearchProfiles(ctx context.Context, reader Reader, q Query) ([]store.Match, bool, error) {
	today := category.Today(s.now())
	pq := store.ProfileQuery{Region: q.Region, District: q.District, HasBit: -1, Page: max(q.Page, 0)}
	if fin, ok := azid.FIN(q.Text); ok && len(strings.TrimSpace(q.Text)) == 7 {
		pq.FIN = fin
	} else if t := strings.TrimSpace(q.Text); t != "" {
		pq.NameKey, pq.FamilyRoot = profile.NameKey(category.PersonName{Given: t}), namefold.Root(t)
		if strings.Contains(t, " ") {
			pq.NameKey = namefold.Key(t)
		}
	}
	if q.AgeTo >= 0 {
		pq.BornFrom = today.AddYears(-(q.AgeTo + 1)).AddDays(1)
	}
	if q.AgeFrom >= 0 {
		pq.BornTo = today.AddYears(-q.AgeFrom)
	}
	if q.Has != "" {
		c, ok := category.Lookup(q.Has)
		if !ok {
			return nil, false, fault.E("registry.SearchProfiles", fault.Invalid, category.Problem("has", "unknown_category"))
		}
		pq.HasBit = c.Bit
	}
	if reader.Subject.Role == access.Parent {
		pq.ParentFIN = reader.Subject.FIN
	}
	// Archived profiles are out of operational search; the operator
	// finds them (§1.8).
	pq.IncludeArchived = reader.Subject.Role == access.OperatorAdmin
	found, more, err := s.store.SearchProfiles(ctx, pq)
	if err != nil {
		return nil, false, err
	}
	var out []store.Match
	for _, m := range found {
		child, err := s.policyChild(ctx, m.ChildID, m.Summary)
		if err != nil {
			return nil, false, err
		}
		if access.Decide(reader.Subject, access.Read, category.CatBirthRegistration, child, today).Allow {
			out = append(out, m)
		}
	}
	if out == nil {
		out = []store.Match{}
	}
	criteria, _ := json.Marshal(q)
	detail, _ := json.Marshal(map[string]string{"criteria": string(criteria), "found": fmt.Sprint(len(out))})
	if err := s.store.Audit(ctx, audit.Entry{Actor: reader.Actor, Action: "child.search", Outcome: fmt.Sprintf("%d found", len(out)), Detail: string(detail)}); err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// Writable returns the categories a subject may write about the child a
// key names, by the access policy, and the child's id.
func (s *Service) Writable(ctx context.Context, subject access.Subject, key string) ([]*category.Category, int64, error) {
	id, err := s.Identify(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	sum, _, err := s.store.StoredSummary(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	today := category.Today(s.now())
	var out []*category.Category
	for _, c := range category.All() {
		if access.Decide(subject, access.Write, c, accessChild(sum), today).Allow {
			out = append(out, c)
		}
	}
	return out, id, nil
}
