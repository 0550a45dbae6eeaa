package opendata

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/store"
)

// Snapshot is every dataset of every year, published, as computed from one
// snapshot of the data.
type Snapshot struct {
	// Version names the data and the day they were counted on; an ETag
	// derives from it.
	Version string
	// Updated is when the snapshot was computed.
	Updated time.Time
	Years   []Year
	tables  map[int][]*Table
	checked time.Time
}

// Table returns a dataset of a year.
func (s *Snapshot) Table(ds *Dataset, year int) (*Table, bool) {
	for _, t := range s.tables[year] {
		if t.Dataset == ds {
			return t, true
		}
	}
	return nil, false
}

// Tables returns every dataset of a year, in the order of Datasets.
func (s *Snapshot) Tables(year int) []*Table { return s.tables[year] }

// Service computes the public statistics and keeps them in memory: they
// are counted again only when the data version (the last fact, merge or
// split) or the day has changed, and that is looked at no more often than
// every CheckEvery, so that a visitor never waits for the counting while a
// snapshot is at hand.
type Service struct {
	st  *store.Store
	now func() time.Time
	// CheckEvery is how long a snapshot is served before the data
	// version is looked at again.
	CheckEvery time.Duration

	mu      sync.Mutex // guards cur
	cur     *Snapshot
	compute sync.Mutex // one counting at a time
}

// New returns the service over a store, with its clock.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now, CheckEvery: 5 * time.Minute}
}

// Current returns the snapshot to serve: the one in memory while it is
// fresh; otherwise one counted again if the data changed. While another
// request is counting, a request is served the snapshot in memory.
func (s *Service) Current(ctx context.Context) (*Snapshot, error) {
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur != nil && s.now().Sub(cur.checked) < s.CheckEvery && cur.Years[len(cur.Years)-1].AsOf == category.Today(s.now()) {
		return cur, nil
	}
	if cur != nil {
		if !s.compute.TryLock() {
			return cur, nil
		}
	} else {
		s.compute.Lock()
	}
	defer s.compute.Unlock()
	return s.refresh(ctx)
}

// Refresh counts again if the data or the day changed since the snapshot
// in memory; the server's background job calls it, so that visitors
// rarely find a stale snapshot.
func (s *Service) Refresh(ctx context.Context) error {
	s.compute.Lock()
	defer s.compute.Unlock()
	_, err := s.refresh(ctx)
	return err
}

// refresh runs under s.compute.
func (s *Service) refresh(ctx context.Context) (*Snapshot, error) {
	now := s.now()
	v, err := s.st.OpenDataVersion(ctx)
	if err != nil {
		return nil, err
	}
	today := category.Today(now)
	version := v.String() + "." + today.String()
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur != nil && cur.Version == version {
		fresh := *cur
		fresh.checked = now
		s.mu.Lock()
		s.cur = &fresh
		s.mu.Unlock()
		return &fresh, nil
	}
	first := 0
	if !v.FirstRecord.IsZero() {
		first = category.Today(v.FirstRecord).Year
	}
	snap, err := s.count(ctx, Years(first, today))
	if err != nil {
		return nil, err
	}
	snap.Version, snap.Updated, snap.checked = version, now, now
	s.mu.Lock()
	s.cur = snap
	s.mu.Unlock()
	return snap, nil
}

// count counts and publishes every year.
func (s *Service) count(ctx context.Context, years []Year) (*Snapshot, error) {
	counts, err := Count(ctx, s.st, years)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{Years: years, tables: map[int][]*Table{}}
	for _, c := range counts {
		t, err := Publish(c)
		if err != nil {
			return nil, fmt.Errorf("opendata: publishing %d: %w", c.Year.Year, err)
		}
		snap.tables[c.Year.Year] = t
	}
	return snap, nil
}

// Count counts the children of each year, in two grouped reads of one
// snapshot of the data. The children of year Y are those with a
// profile — archived ones too, for these are the counts of past years —
// born on or before its reference day and not yet 18 on it, and not dead
// by then (a current death record effective on or before it). Each is
// counted in the region it lives in and with the sex recorded now; it
// has a key category in year Y when a current record of the category
// takes effect on or before the reference day.
func Count(ctx context.Context, st *store.Store, years []Year) ([]*Counts, error) {
	q := store.OpenDataQuery{Categories: make([]string, len(KeyCategories))}
	for _, y := range years {
		q.Refs = append(q.Refs, y.AsOf)
	}
	q.MonthDay = MonthDay(years[len(years)-1].AsOf)
	catIndex := map[string]int{}
	for i, c := range KeyCategories {
		q.Categories[i] = c.Code
		catIndex[c.Code] = i
	}
	pop, cats, err := st.OpenDataCounts(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]*Counts, len(years))
	for i, y := range years {
		c := NewCounts(y)
		for _, g := range pop {
			if g.Died > i {
				c.AddChildren(g.BirthYear, g.Passed, g.Region, g.Sex, g.N)
			}
		}
		for _, g := range cats {
			if g.Died > i && g.From <= i {
				c.AddCategory(catIndex[g.Category], g.BirthYear, g.Passed, g.Region, g.N)
			}
		}
		out[i] = c
	}
	return out, nil
}

// MonthDay is the "MM-DD" on or before which a birthday has come by day d.
// Someone born on 29 February has a birthday on 28 February in a common
// year, as category.Date.AgeOn counts.
func MonthDay(d category.Date) string {
	md := fmt.Sprintf("%02d-%02d", int(d.Month), d.Day)
	if md == "02-28" && !(d.Year%4 == 0 && (d.Year%100 != 0 || d.Year%400 == 0)) {
		return "02-29"
	}
	return md
}
