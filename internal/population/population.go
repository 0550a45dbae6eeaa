// Package population generates a synthetic, coherent population of
// children — families with both parents, their documents, schooling,
// health, social protection, care and justice records at plausible rates —
// deterministically from a seed, and loads it through the registry exactly
// as participants' records come in, for demonstrations, tests and load
// measurements.
package population

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/registry"
)

// Options of a generated population.
type Options struct {
	Children int           // number of children
	Seed     int64         // everything is deterministic from the seed
	Today    category.Date // the day the population is generated "as of"; ages and dates are relative to it
}

// Generate produces the population family by family, calling emit with the
// records of each family (all children of one family, with their parents'
// facts), in a deterministic order. It stops at Children children.
//
// Every record is dated no later than the day before Today and received
// (Sender.ReceivedAt) a few days after it takes effect, at most on that
// day; the registry that loads them must not be behind Today.
func Generate(opt Options, emit func(items []registry.Item) error) error {
	return generate(opt, func(items []registry.Item, _ int) error { return emit(items) })
}

// loadBatch is about how many records Load stores in one transaction;
// a family is never split between two.
const loadBatch = 200

// Load generates the population and loads it through the registry, a batch
// of about 200 records per transaction, calling progress (may be nil) with
// the number of children loaded so far.
func Load(ctx context.Context, reg *registry.Service, opt Options, progress func(children int)) error {
	var batch []registry.Item
	loaded, pending := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := reg.Load(ctx, batch); err != nil {
			return fmt.Errorf("population: loading children %d–%d: %w", loaded+1, loaded+pending, err)
		}
		loaded, pending = loaded+pending, 0
		batch = batch[:0]
		if progress != nil {
			progress(loaded)
		}
		return nil
	}
	err := generate(opt, func(items []registry.Item, children int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = append(batch, items...)
		pending += children
		if len(batch) >= loadBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// gen is the state of one generation run.
type gen struct {
	r     *rand.Rand
	ids   *idents
	today category.Date
	// last is the last day anything happened: the day before today, so
	// that every record is dated and received in the past.
	last category.Date
	// schoolYear is the start (15 September) of the current school year.
	schoolYear category.Date
	seedTag    string
	actor      audit.Actor
	sources    [64]int // records sent so far, by category bit
	batch      string
	items      []registry.Item
}

func generate(opt Options, emit func(items []registry.Item, children int) error) error {
	if opt.Today.IsZero() {
		return errors.New("population: Options.Today is required")
	}
	if opt.Children < 0 {
		return errors.New("population: Options.Children is negative")
	}
	g := &gen{
		r:       rand.New(rand.NewPCG(uint64(opt.Seed), 0x9e3779b97f4a7c15)),
		ids:     newIdents(opt.Seed),
		today:   opt.Today,
		last:    opt.Today.AddDays(-1),
		seedTag: strconv.FormatUint(uint64(opt.Seed), 36),
		actor:   audit.SystemActor("generate"),
	}
	g.schoolYear = category.Date{Year: g.last.Year, Month: time.September, Day: 15}
	if g.last.Before(g.schoolYear) {
		g.schoolYear.Year--
	}
	for made, fam := 0, 0; made < opt.Children; fam++ {
		g.items = nil
		g.batch = fmt.Sprintf("generate-%s-%06d", g.seedTag, fam+1)
		n := g.family(opt.Children - made)
		made += n
		if err := emit(g.items, n); err != nil {
			return err
		}
	}
	return nil
}

// sourcePrefix is the short prefix of each category's source ids.
var sourcePrefix = map[string]string{
	"birth_registration": "br", "identity_card": "ic", "residence_permit": "rp", "refugee_card": "rc", "death": "dt",
	"father": "fa", "mother": "mo", "parents_marriage": "pm", "father_employment": "fe", "mother_employment": "me",
	"parental_care_registry": "pc", "guardianship": "gd", "education_documents": "ed", "special_education": "se",
	"medical_registration": "mr", "health_checkup": "hc", "pension_benefits": "pb", "alimony": "al",
	"targeted_social_assistance": "ts", "social_services": "ss", "youth_employment": "ye", "minor_motherhood": "mm",
	"unaccompanied_minor": "um", "offences_by_child": "ob", "educational_measures": "em",
	"offences_against_child": "oa", "schooling": "sc", "academic_achievements": "aa", "sports_achievements": "sa",
	"sports_membership": "sm", "appeals": "ap",
}

// add appends a record of category c about child ch, sent by sender and
// taking effect on eff (moved into [birth, last] if outside it). Source
// ids are unique per category, hence per sender and category.
func (g *gen) add(c *category.Category, sender string, ch *child, eff category.Date, data any) {
	if eff.Before(ch.birth) {
		eff = ch.birth
	}
	if eff.After(g.last) {
		eff = g.last
	}
	raw, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("population: encoding %s: %v", c.Code, err))
	}
	g.sources[c.Bit]++
	rec := registry.Record{
		SourceID:      fmt.Sprintf("%s-%s-%06d", sourcePrefix[c.Code], g.seedTag, g.sources[c.Bit]),
		Category:      c.Code,
		Child:         ch.selector(),
		EffectiveDate: eff,
		Action:        "upsert",
		Data:          raw,
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(fmt.Sprintf("population: encoding a %s record: %v", c.Code, err))
	}
	g.items = append(g.items, registry.Item{
		From: registry.Sender{Participant: sender, Actor: g.actor, BatchID: g.batch, ReceivedAt: g.receivedAt(eff)},
		Raw:  b,
	})
}

// receivedAt is when the Data Bank received a record taking effect on eff:
// one to five days later in office hours, Baku time, but never after the
// last day; in UTC.
func (g *gen) receivedAt(eff category.Date) time.Time {
	d := eff.AddDays(1 + g.r.IntN(5))
	if d.After(g.last) {
		d = g.last
	}
	return time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, category.Baku).
		Add(time.Duration(g.r.IntN(9*3600)) * time.Second).UTC()
}

// Random helpers.

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// pick returns one of the options, evenly.
func pick[T any](g *gen, options ...T) T { return options[g.r.IntN(len(options))] }

// dayNumber is the number of days since 1970-01-01.
func dayNumber(d category.Date) int { return int(d.Time().Unix() / 86400) }

func fromDayNumber(n int) category.Date {
	return category.DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

// between draws a day in [a, b]; a when b is before a, which callers
// must rule out when a may lie after the last day.
func (g *gen) between(a, b category.Date) category.Date {
	x, y := dayNumber(a), dayNumber(b)
	if y <= x {
		return a
	}
	return fromDayNumber(x + g.r.IntN(y-x+1))
}

// upTo returns d, or last when d is later.
func (g *gen) upTo(d category.Date) category.Date {
	if d.After(g.last) {
		return g.last
	}
	return d
}

// later returns the later of two dates.
func later(a, b category.Date) category.Date {
	if a.After(b) {
		return a
	}
	return b
}

// money returns an amount in manats from a whole number of qəpik.
func money(qepik int) category.Money { return category.Money(qepik) }
