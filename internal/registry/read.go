package registry

import (
	"context"
	"encoding/json"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
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
