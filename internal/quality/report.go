package quality

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
)

// Timeliness sums up the delays of a set of records.
type Timeliness struct {
	Records int
	// Median and P90 are the delays in days (nearest rank) that half and
	// nine tenths of the records were received within; records sent
	// ahead of their effective date count as zero days.
	Median, P90 int
	// Timely is how many arrived within TimelyDays.
	Timely int
}

// TimelyShare is the share of records received within TimelyDays, 0–1.
func (t Timeliness) TimelyShare() float64 { return share(t.Timely, t.Records) }

// Histogram counts records by delay in days.
type Histogram map[int]int

func (h Histogram) add(days, n int) { h[max(days, 0)] += n }

// Summary computes the timeliness of the records counted.
func (h Histogram) Summary() Timeliness {
	var t Timeliness
	days := make([]int, 0, len(h))
	for d, n := range h {
		t.Records += n
		if d <= TimelyDays {
			t.Timely += n
		}
		days = append(days, d)
	}
	slices.Sort(days)
	rank := func(p float64) int {
		// Nearest rank: the smallest delay d with at least ⌈p·N⌉
		// records at or below it.
		need := int(ceil(p * float64(t.Records)))
		seen := 0
		for _, d := range days {
			seen += h[d]
			if seen >= need {
				return d
			}
		}
		return 0
	}
	if t.Records > 0 {
		t.Median, t.P90 = rank(0.5), rank(0.9)
	}
	return t
}

func ceil(f float64) float64 {
	i := float64(int64(f))
	if f > i {
		return i + 1
	}
	return i
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// CategoryTimeliness is the timeliness of one category's records.
type CategoryTimeliness struct {
	Category string
	Timeliness
}

// Gap is a completeness rule as it falls to one participant.
type Gap struct {
	Rule     Rule
	Expected int
	Missing  int
	// Shared are the other participants competent for the category, who
	// answer for the same children.
	Shared []string
}

// MissingShare is the share of the expected children who lack it, 0–1.
func (g Gap) MissingShare() float64 { return share(g.Missing, g.Expected) }

// Rejections sums up what the exchange made of a participant's records.
type Rejections struct {
	Batches  int
	Records  int
	Rejected int
	// Reasons are the error codes with the field they were about, most
	// frequent first (ties by name).
	Reasons []Reason
}

// Share is the share of records rejected, 0–1.
func (r Rejections) Share() float64 { return share(r.Rejected, r.Records) }

// Reason is one cause of rejection and how many records it hit.
type Reason struct {
	Code  string // the error code, e.g. "date_future"
	Field string // the field, e.g. "data.birth_date"; "" for the record
	N     int
}

// Participant is one participant's data quality over a period.
type Participant struct {
	Code       string
	Name       i18n.Text
	Kind       string
	Timeliness Timeliness
	ByCategory []CategoryTimeliness
	Gaps       []Gap
	Rejections Rejections
}

// Expected and Missing add up the participant's gaps (a child lacking two
// categories counts twice).
func (p Participant) Expected() (n int) {
	for _, g := range p.Gaps {
		n += g.Expected
	}
	return n
}

// Missing is the sum of the children lacking each category the
// participant answers for.
func (p Participant) Missing() (n int) {
	for _, g := range p.Gaps {
		n += g.Missing
	}
	return n
}

// MissingShare is Missing over Expected, 0–1.
func (p Participant) MissingShare() float64 { return share(p.Missing(), p.Expected()) }

// Report is the data quality of every participant asked for, over a period.
type Report struct {
	Days         int
	Since        time.Time
	AsOf         category.Date // the day completeness is measured on
	Generated    time.Time
	Participants []Participant
}

// Service computes the reports from the store. It keeps each report for
// CacheFor, so that sorting the table or coming back to it does not read
// every fact again; the pages show when a report was computed.
type Service struct {
	store *store.Store
	now   func() time.Time
	mu    sync.Mutex
	cache map[string]*Report
}

// CacheFor is how long a computed report is shown before it is computed
// again.
const CacheFor = 5 * time.Minute

// New returns the service; now is the clock (time.Now when nil).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now, cache: map[string]*Report{}}
}

// Report returns the participants' data quality over the last days, as
// Compute does, from a report computed less than CacheFor ago when there
// is one.
func (s *Service) Report(ctx context.Context, days int, org string) (*Report, error) {
	key := fmt.Sprintf("%d/%s", days, org)
	s.mu.Lock()
	rep, ok := s.cache[key]
	s.mu.Unlock()
	if ok && s.now().Sub(rep.Generated) < CacheFor && !s.now().Before(rep.Generated) {
		return rep, nil
	}
	rep, err := s.Compute(ctx, days, org)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	for k, r := range s.cache { // drop what has expired
		if s.now().Sub(r.Generated) >= CacheFor {
			delete(s.cache, k)
		}
	}
	s.cache[key] = rep
	s.mu.Unlock()
	return rep, nil
}

// Compute measures the participants' data quality over the last days:
// every participant that sends anything when org is "", else only org.
// Each figure comes from one grouped read: delays from the facts,
// completeness from the profiles, rejections from the batches.
func (s *Service) Compute(ctx context.Context, days int, org string) (*Report, error) {
	now := s.now()
	rep := &Report{Days: days, Since: Since(now, days), AsOf: category.Today(now), Generated: now}
	all, err := s.store.Participants(ctx)
	if err != nil {
		return nil, err
	}
	sends := map[string][]string{}
	byCode := map[string]*Participant{}
	var order []string
	for _, p := range all {
		if p.Kind == participant.KindOperator {
			continue
		}
		if org != "" && p.Code != org {
			continue
		}
		if len(p.Send) > 0 {
			sends[p.Code] = p.Send
		}
		byCode[p.Code] = &Participant{Code: p.Code, Name: p.Name, Kind: p.Kind}
		order = append(order, p.Code)
	}
	if org != "" && len(order) == 0 {
		return nil, errNoParticipant(org)
	}

	// Timeliness.
	delays, err := s.store.QualityDelays(ctx, rep.Since, org)
	if err != nil {
		return nil, err
	}
	overall := map[string]Histogram{}
	byCat := map[string]map[string]Histogram{}
	for _, d := range delays {
		if _, ok := byCode[d.Sender]; !ok {
			continue // the operator, or a participant no longer listed
		}
		if overall[d.Sender] == nil {
			overall[d.Sender], byCat[d.Sender] = Histogram{}, map[string]Histogram{}
		}
		overall[d.Sender].add(d.Days, d.N)
		if byCat[d.Sender][d.Category] == nil {
			byCat[d.Sender][d.Category] = Histogram{}
		}
		byCat[d.Sender][d.Category].add(d.Days, d.N)
	}
	for code, h := range overall {
		p := byCode[code]
		p.Timeliness = h.Summary()
		for cat, ch := range byCat[code] {
			p.ByCategory = append(p.ByCategory, CategoryTimeliness{Category: cat, Timeliness: ch.Summary()})
		}
		sort.Slice(p.ByCategory, func(i, j int) bool { return p.ByCategory[i].Category < p.ByCategory[j].Category })
	}

	// Completeness: every rule once, then given to each competent
	// participant asked for.
	var checks []store.CompletenessCheck
	var rules []Rule
	for _, r := range Rules {
		if len(r.Competent(sends)) == 0 {
			continue
		}
		after, by := r.Bounds(rep.AsOf)
		checks = append(checks, store.CompletenessCheck{Category: r.Category, BornAfter: after, BornBy: by, Since: r.Since(rep.AsOf)})
		rules = append(rules, r)
	}
	counts, err := s.store.QualityCompleteness(ctx, checks)
	if err != nil {
		return nil, err
	}
	// Who else answers for a category, among all participants, not only
	// those asked for.
	allSends := map[string][]string{}
	for _, p := range all {
		if p.Kind != participant.KindOperator && len(p.Send) > 0 {
			allSends[p.Code] = p.Send
		}
	}
	for i, r := range rules {
		competent := r.Competent(allSends)
		for _, code := range r.Competent(sends) {
			var shared []string
			for _, c := range competent {
				if c != code {
					shared = append(shared, c)
				}
			}
			byCode[code].Gaps = append(byCode[code].Gaps, Gap{Rule: r, Expected: counts[i].Expected, Missing: counts[i].Missing, Shared: shared})
		}
	}

	// Rejections.
	reasons := map[string]map[Reason]int{}
	err = s.store.QualityBatches(ctx, rep.Since, org, func(code, response string) error {
		p, ok := byCode[code]
		if !ok {
			return nil
		}
		var resp batchResponse
		if json.Unmarshal([]byte(response), &resp) != nil {
			return nil // an answer that is not a batch answer counts for nothing
		}
		p.Rejections.Batches++
		if reasons[code] == nil {
			reasons[code] = map[Reason]int{}
		}
		for _, rec := range resp.Records {
			p.Rejections.Records++
			if rec.Status != "rejected" {
				continue
			}
			p.Rejections.Rejected++
			seen := map[Reason]bool{}
			for _, e := range rec.Errors {
				k := Reason{Code: e.Code, Field: e.Field}
				if !seen[k] { // a record counts once per reason
					seen[k] = true
					reasons[code][k]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for code, rs := range reasons {
		p := byCode[code]
		for k, n := range rs {
			k.N = n
			p.Rejections.Reasons = append(p.Rejections.Reasons, k)
		}
		sort.Slice(p.Rejections.Reasons, func(i, j int) bool {
			a, b := p.Rejections.Reasons[i], p.Rejections.Reasons[j]
			if a.N != b.N {
				return a.N > b.N
			}
			return a.Code+"\x00"+a.Field < b.Code+"\x00"+b.Field
		})
	}

	for _, code := range order {
		rep.Participants = append(rep.Participants, *byCode[code])
	}
	return rep, nil
}

// batchResponse is what quality reads of the exchange's answer to a batch
// (exchange.BatchResponse): each record's status and errors.
type batchResponse struct {
	Records []struct {
		Status string `json:"status"`
		Errors []struct {
			Field string `json:"field"`
			Code  string `json:"code"`
		} `json:"errors"`
	} `json:"records"`
}

// Top returns the first n reasons.
func (r Rejections) Top(n int) []Reason { return r.Reasons[:min(n, len(r.Reasons))] }

// String is the reason as "code (field)".
func (r Reason) String() string {
	if r.Field == "" {
		return r.Code
	}
	return fmt.Sprintf("%s (%s)", r.Code, strings.TrimPrefix(r.Field, "records."))
}
