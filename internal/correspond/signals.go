package correspond

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/signals"
	"github.com/scfwca/databank/internal/store"
)

// Rules returns the signal rules as the operator set them: each default
// rule, with the operator's setting where there is one.
func (s *Service) Rules(ctx context.Context) ([]signals.Rule, error) {
	set, err := s.store.SignalRules(ctx)
	if err != nil {
		return nil, err
	}
	rules := signals.Defaults()
	for i, r := range rules {
		if o, ok := set[r.Code]; ok {
			rules[i].Enabled, rules[i].Responsible, rules[i].Months = o.Enabled, o.Responsible, o.Months
		}
	}
	return rules, nil
}

var msgOperatorOnly = i18n.T("Siqnal qaydalarını yalnız operatorun administratoru dəyişə bilər",
	"Only the operator's administrator may change the signal rules",
	"Правила сигналов может менять только администратор оператора")

// SetRule changes a signal rule: whether it runs, whom it addresses, its
// period. Only the operator's administrator may.
func (s *Service) SetRule(ctx context.Context, a Author, r signals.Rule) error {
	if a.Subject.Role != access.OperatorAdmin || a.Subject.Suspended {
		return fault.E("correspond.SetRule", fault.Forbidden, msgOperatorOnly)
	}
	def, ok := signals.Default(r.Code)
	if ok {
		r.Name = def.Name // the names are the catalogue's, not the form's
	}
	if err := signals.Validate(r); err != nil {
		return err
	}
	if r.Responsible != "commission" {
		if _, err := s.store.Participant(ctx, r.Responsible); err != nil {
			return fault.E("correspond.SetRule", fault.Invalid, category.Problem("responsible", "unknown_org", r.Responsible))
		}
	}
	return s.store.SetSignalRule(ctx, store.SignalRule{Code: r.Code, Enabled: r.Enabled, Responsible: r.Responsible, Months: r.Months}, a.Actor)
}

// SignalBody is the first message of a signal's thread: the rule, what
// was found in three languages, and the facts that triggered it.
type SignalBody struct {
	Rule   string      `json:"rule"`
	Name   i18n.Text   `json:"name"`
	Reason i18n.Text   `json:"reason"`
	Facts  []CitedFact `json:"facts"`
}

// CitedFact is a fact a signal cites: which record, not what it says.
type CitedFact struct {
	ID            int64  `json:"id"`
	Category      string `json:"category"`
	Sender        string `json:"sender"`
	EffectiveDate string `json:"effective_date"`
}

// CheckChild evaluates the signal rules for one child and opens a thread
// with the responsible participant for each rule that holds and was not
// raised for the child before. It returns how many it opened.
func (s *Service) CheckChild(ctx context.Context, rules []signals.Rule, childID int64) (int, error) {
	c, err := s.store.LoadChild(ctx, childID)
	if err != nil {
		return 0, err
	}
	if c.ID != childID { // merged into another child, checked as that one
		return 0, nil
	}
	facts := profile.Knows(c.Facts, category.Date{})
	byID := map[int64]profile.Fact{}
	for _, f := range facts {
		byID[f.ID] = f
	}
	opened := 0
	for _, h := range signals.Evaluate(rules, facts, c.Summary, category.Today(s.now())) {
		raised, err := s.store.SignalRaised(ctx, h.Rule, childID)
		if err != nil || raised {
			if err != nil {
				return opened, err
			}
			continue
		}
		rule, _ := signals.Default(h.Rule)
		body := SignalBody{Rule: h.Rule, Name: rule.Name, Reason: h.Reason}
		for _, id := range h.Facts {
			f := byID[id]
			body.Facts = append(body.Facts, CitedFact{ID: id, Category: f.Category, Sender: f.Sender, EffectiveDate: f.EffectiveDate.String()})
		}
		b, _ := json.Marshal(body)
		members := []string{h.Responsible}
		if h.Responsible != category.OrgOperator {
			members = append(members, category.OrgOperator)
		}
		detail, _ := json.Marshal(map[string]any{"rule": h.Rule, "responsible": h.Responsible, "facts": h.Facts})
		_, msg, err := s.store.OpenSignalThread(ctx, store.Thread{Subject: rule.Name.AZ, ChildID: childID, OpenedBy: category.OrgOperator,
			SignalRule: h.Rule}, members, store.Post{
			Message: store.Message{Org: category.OrgOperator, AuthorName: "Siqnal / Signal", Kind: "signal", Body: string(b)},
			Audit: audit.Entry{Actor: audit.SystemActor("signals"), Action: "signal.raise", ChildID: childID, Outcome: h.Rule + " to " + h.Responsible,
				Detail: string(detail)},
		})
		if err != nil {
			return opened, err
		}
		if msg != 0 {
			opened++
			s.published(ctx, msg)
		}
	}
	return opened, nil
}

// CheckAll evaluates the signal rules for every child with an active
// profile: the nightly run, which catches what time alone makes true (a
// child reaching school age, a check-up growing old). It returns how many
// children it checked and threads it opened.
func (s *Service) CheckAll(ctx context.Context) (checked, opened int, err error) {
	rules, err := s.Rules(ctx)
	if err != nil {
		return 0, 0, err
	}
	var after int64
	for {
		ids, err := s.store.ActiveChildren(ctx, after, 500)
		if err != nil {
			return checked, opened, err
		}
		if len(ids) == 0 {
			return checked, opened, nil
		}
		for _, id := range ids {
			n, err := s.CheckChild(ctx, rules, id)
			if err != nil {
				return checked, opened, err
			}
			checked, opened = checked+1, opened+n
		}
		after = ids[len(ids)-1]
	}
}

// Queue holds the children whose facts changed, for the signals to be
// evaluated in the background, each child once however often it changed.
type Queue struct {
	mu      sync.Mutex
	pending map[int64]bool
	wake    chan struct{}
}

// NewQueue returns an empty queue.
func NewQueue() *Queue { return &Queue{pending: map[int64]bool{}, wake: make(chan struct{}, 1)} }

// Add queues children; it never blocks.
func (q *Queue) Add(children []int64) {
	q.mu.Lock()
	for _, id := range children {
		q.pending[id] = true
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue) take() []int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]int64, 0, len(q.pending))
	for id := range q.pending {
		out = append(out, id)
	}
	clear(q.pending)
	return out
}

// RunSignals evaluates the signals of the queued children until ctx ends.
func (s *Service) RunSignals(ctx context.Context, q *Queue, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
		ids := q.take()
		rules, err := s.Rules(ctx)
		if err != nil {
			log.Warn("signals: cannot read the rules", "err", err)
			continue
		}
		for _, id := range ids {
			if _, err := s.CheckChild(ctx, rules, id); err != nil && ctx.Err() == nil {
				log.Warn("signals: evaluation failed", "child", id, "err", fmt.Sprint(err))
			}
		}
	}
}
