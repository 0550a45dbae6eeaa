package registry

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
)

// Reader is who reads a profile, what they may see, and why.
type Reader struct {
	Actor audit.Actor
	// Show reports whether the reader may see a category; nil shows all.
	Show func(*category.Category) bool
	// Purpose is why the reader reads (a case number or a reason), kept
	// in the audit entry.
	Purpose string
}

func (r Reader) show(c *category.Category) bool { return r.Show == nil || r.Show(c) }

// Profile returns the profile of the child a key names, as of a date (the
// current profile when asOf is zero). The read is audited.
func (s *Service) Profile(ctx context.Context, reader Reader, key string, asOf category.Date) (profile.View, error) {
	id, err := s.Identify(ctx, key)
	if err != nil {
		return profile.View{}, err
	}
	detail, _ := json.Marshal(map[string]string{"as_of": asOf.String(), "purpose": reader.Purpose})
	c, err := s.store.ReadChild(ctx, id, reader.Actor, string(detail))
	if err != nil {
		return profile.View{}, err
	}
	today := category.Today(s.now())
	if !asOf.IsZero() && asOf.After(today) {
		return profile.View{}, fault.E("registry.Profile", fault.Invalid, category.Problem("as_of", "date_future"))
	}
	return profile.Build(c.ID, c.Keys, c.Facts, c.Hints, asOf, today, reader.show), nil
}

// History returns every version of every record of one category of a
// child's profile, oldest first. The read is audited.
func (s *Service) History(ctx context.Context, reader Reader, key, code string) ([]profile.RecordView, error) {
	cat, ok := category.Lookup(code)
	if !ok {
		return nil, fault.E("registry.History", fault.Invalid, category.Problem("category", "unknown_category"))
	}
	if !reader.show(cat) {
		return nil, fault.E("registry.History", fault.Forbidden, category.Problem("category", "forbidden_category"))
	}
	id, err := s.Identify(ctx, key)
	if err != nil {
		return nil, err
	}
	detail, _ := json.Marshal(map[string]string{"history": code, "purpose": reader.Purpose})
	c, err := s.store.ReadChild(ctx, id, reader.Actor, string(detail))
	if err != nil {
		return nil, err
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
