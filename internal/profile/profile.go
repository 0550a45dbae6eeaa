// Package profile builds the child's electronic profile (elektron anket)
// from the facts the participants sent: the current view, the view as it
// stood on a past date, each category's history, and the summary that
// search and reports index.
package profile

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/scfwca/databank/internal/category"
)

// Actions a fact records.
const (
	Upsert  = "upsert"
	Retract = "retract"
)

// Fact is one immutable record a participant sent about a child. A
// record is identified by its sender, category and the sender's own
// source id; each new version of it is a new fact that supersedes the
// previous one.
type Fact struct {
	ID            int64
	ChildID       int64
	Category      string
	Sender        string
	SourceID      string
	Action        string
	EffectiveDate category.Date
	ReceivedAt    time.Time
	Payload       json.RawMessage // canonical JSON; nil for a retraction
	ContentHash   string
	BatchID       string
	Supersedes    int64 // 0 for the first version
	Current       bool  // the latest version of its record

	// Value is Payload decoded, a pointer to its category's payload type,
	// when the fact was just validated; nil when read back from storage.
	// Projecting reads it instead of decoding Payload again.
	Value any
}

// Key kinds identify a child, strongest first.
const (
	KeyFIN              = "fin"
	KeyBirthCertificate = "birth_certificate"
	KeyResidencePermit  = "residence_permit"
	KeyRefugeeCard      = "refugee_card"
)

// Key is one identifier of a child.
type Key struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Hints are what a record with no identifying key says of the child; they
// stand in the summary until a birth registration arrives.
type Hints struct {
	Name      category.PersonName
	BirthDate category.Date
	MotherFIN string
}

// Knows returns the facts as the Data Bank knew them at the end of day
// asOf, of those in effect by then: for each record, its latest version
// received by that day, unless it was a retraction or takes effect later.
// With a zero asOf it returns the current facts.
func Knows(facts []Fact, asOf category.Date) []Fact {
	var out []Fact
	if asOf.IsZero() {
		for _, f := range facts {
			if f.Current && f.Action == Upsert {
				out = append(out, f)
			}
		}
		return out
	}
	next := asOf.AddDays(1)
	cutoff := time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, category.Baku)
	type record struct{ sender, category, source string }
	latest := map[record]Fact{}
	for _, f := range facts {
		if !f.ReceivedAt.Before(cutoff) {
			continue
		}
		r := record{f.Sender, f.Category, f.SourceID}
		if prev, ok := latest[r]; !ok || f.ID > prev.ID {
			latest[r] = f
		}
	}
	for _, f := range latest {
		if f.Action == Upsert && !f.EffectiveDate.After(asOf) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b Fact) int { return int(a.ID - b.ID) })
	return out
}

// latestOf returns the decoded payload of the fact of category code that
// took effect last, and whether there was one.
func latestOf[T any](facts []Fact, code string) (*T, bool) {
	var best *Fact
	for i := range facts {
		f := &facts[i]
		if f.Category != code {
			continue
		}
		if best == nil || f.EffectiveDate.After(best.EffectiveDate) ||
			(f.EffectiveDate == best.EffectiveDate && f.ID > best.ID) {
			best = f
		}
	}
	if best == nil {
		return nil, false
	}
	if v, ok := best.Value.(*T); ok {
		return v, true
	}
	var v T
	if err := json.Unmarshal(best.Payload, &v); err != nil {
		return nil, false
	}
	return &v, true
}
