package correspond

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/store"
)

// Live is a message as it is pushed to browsers, as JSON.
type Live struct {
	ID      int64      `json:"id"`
	Thread  int64      `json:"thread"`
	Org     string     `json:"org"`
	OrgName i18n.Text  `json:"org_name"`
	Author  string     `json:"author"`
	Kind    string     `json:"kind"`
	Body    string     `json:"body"`
	EditOf  int64      `json:"edit_of,omitempty"`
	At      string     `json:"at"`   // RFC 3339, UTC
	Time    string     `json:"time"` // dd.mm.yyyy hh:mm in Baku
	Files   []LiveFile `json:"files,omitempty"`
	// Sent is when the message was stored, in microseconds since the
	// epoch, for measuring delivery.
	Sent int64 `json:"sent"`
}

// LiveFile is an attachment of a pushed message.
type LiveFile struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// Delivery is a message on its way to the browsers of a thread's members:
// encoded once, checked against each browser's person.
type Delivery struct {
	ID      int64
	Thread  int64
	Members []string
	Child   *access.Child
	JSON    []byte
}

// Hub fans deliveries out to the browsers connected to this server.
type Hub struct {
	mu   sync.Mutex
	subs map[*Sub]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[*Sub]struct{}{}} }

// Sub is one browser's subscription to its organisation's threads.
type Sub struct {
	org string
	// C carries the deliveries; it is closed when the subscriber fell so
	// far behind that it must reconnect and catch up from the database.
	C   chan *Delivery
	hub *Hub
}

// Subscribe subscribes to the threads of an organisation.
func (h *Hub) Subscribe(org string) *Sub {
	s := &Sub{org: org, C: make(chan *Delivery, 256), hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close ends a subscription.
func (s *Sub) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if _, ok := s.hub.subs[s]; ok {
		delete(s.hub.subs, s)
		close(s.C)
	}
}

// Subscribers returns how many browsers are connected.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Publish hands a delivery to the subscribers of its members; one that
// cannot take it is dropped, and catches up when it reconnects.
func (h *Hub) Publish(d *Delivery) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if !slices.Contains(d.Members, s.org) {
			continue
		}
		select {
		case s.C <- d:
		default:
			delete(h.subs, s)
			close(s.C)
		}
	}
}

// published pushes a stored message to the browsers. On PostgreSQL the
// message's transaction announced it to every server, this one included,
// and the listener pushes it (see Run); on SQLite there is one server, and
// it pushes it at once.
func (s *Service) published(ctx context.Context, id int64) {
	if s.store.Engine() == store.Postgres {
		return
	}
	s.deliver(ctx, id)
}

func (s *Service) deliver(ctx context.Context, id int64) {
	m, err := s.store.Message(ctx, id)
	if err != nil {
		return
	}
	t, err := s.store.ThreadOf(ctx, m.ThreadID)
	if err != nil {
		return
	}
	child, err := s.childOf(ctx, t.ChildID)
	if err != nil {
		return
	}
	for {
		last := s.lastDelivered.Load()
		if id <= last || s.lastDelivered.CompareAndSwap(last, id) {
			break
		}
	}
	b, _ := json.Marshal(s.live(ctx, m))
	s.hub.Publish(&Delivery{ID: id, Thread: m.ThreadID, Members: t.MemberOrgs(), Child: child, JSON: b})
}

func (s *Service) live(ctx context.Context, m *store.Message) Live {
	l := Live{ID: m.ID, Thread: m.ThreadID, Org: m.Org, OrgName: s.orgName(ctx, m.Org), Author: m.AuthorName, Kind: m.Kind,
		Body: m.Body, EditOf: m.EditOf, At: m.CreatedAt.UTC().Format(time.RFC3339Nano),
		Time: m.CreatedAt.In(category.Baku).Format("02.01.2006 15:04"), Sent: m.CreatedAt.UnixMicro()}
	for _, f := range m.Files {
		l.Files = append(l.Files, LiveFile{ID: f.ID, Name: f.Name, Size: f.Size})
	}
	return l
}

var orgNames sync.Map // code → i18n.Text

func (s *Service) orgName(ctx context.Context, code string) i18n.Text {
	if t, ok := orgNames.Load(code); ok {
		return t.(i18n.Text)
	}
	p, err := s.store.Participant(ctx, code)
	if err != nil {
		return i18n.T(code, code, code)
	}
	orgNames.Store(code, p.Name)
	return p.Name
}

// Run follows the messages of every server on PostgreSQL, pushing each to
// the browsers connected here, until ctx ends. Whenever its connection is
// (re)established it first pushes what was stored since the last message
// it pushed — or since it started — so that nothing stored while it was
// not listening is missed. On SQLite it returns at once. Listening is
// closed once it listens (at once on SQLite).
func (s *Service) Run(ctx context.Context, log *slog.Logger) {
	if s.store.Engine() != store.Postgres {
		s.listenOnce.Do(func() { close(s.listening) })
		return
	}
	if last, err := s.store.LastMessage(ctx); err == nil {
		s.lastDelivered.Store(last)
	}
	s.store.Listen(ctx, store.MessagesChannel, func() {
		defer s.listenOnce.Do(func() { close(s.listening) })
		msgs, err := s.store.MessagesSince(ctx, s.lastDelivered.Load(), 1000)
		if err != nil {
			log.Warn("correspondence: cannot catch up", "err", err)
			return
		}
		for _, m := range msgs {
			s.deliver(ctx, m.ID)
		}
	}, func(payload string) {
		if id, err := strconv.ParseInt(payload, 10, 64); err == nil {
			s.deliver(ctx, id)
		}
	})
}

// Listening is closed once Run listens for the messages of other servers.
func (s *Service) Listening() <-chan struct{} { return s.listening }

// Follow subscribes a person to their organisation's threads and returns
// the messages after the one their browser last saw (0: none), as
// deliveries, then the subscription for the new ones. Following is audited
// once. The caller checks each delivery with May and closes the
// subscription.
func (s *Service) Follow(ctx context.Context, a Author, after int64) ([]*Delivery, *Sub, error) {
	if a.org() == "" {
		return nil, nil, denied("correspond.Follow", access.Decision{Reason: access.ReasonNotMember})
	}
	sub := s.hub.Subscribe(a.org())
	if err := s.store.Audit(ctx, audit.Entry{Actor: a.Actor, Action: "thread.follow", Outcome: "streaming",
		Detail: fmt.Sprintf(`{"after":%d}`, after)}); err != nil {
		sub.Close()
		return nil, nil, err
	}
	if after <= 0 {
		return nil, sub, nil
	}
	missed, err := s.store.MessagesAfter(ctx, a.org(), after, 500)
	if err != nil {
		sub.Close()
		return nil, nil, err
	}
	threads := map[int64]*Delivery{}
	var out []*Delivery
	for i := range missed {
		m := &missed[i]
		t, ok := threads[m.ThreadID]
		if !ok {
			th, err := s.store.ThreadOf(ctx, m.ThreadID)
			if err != nil {
				sub.Close()
				return nil, nil, err
			}
			child, err := s.childOf(ctx, th.ChildID)
			if err != nil {
				sub.Close()
				return nil, nil, err
			}
			t = &Delivery{Thread: th.ID, Members: th.MemberOrgs(), Child: child}
			threads[m.ThreadID] = t
		}
		b, _ := json.Marshal(s.live(ctx, m))
		out = append(out, &Delivery{ID: m.ID, Thread: t.Thread, Members: t.Members, Child: t.Child, JSON: b})
	}
	return out, sub, nil
}

// May reports whether a person may see a delivery, by the one access
// policy; checker remembers the answer per thread for a stream's life.
func (s *Service) May(a Author) func(d *Delivery) bool {
	today := category.Today(s.now())
	allowed := map[int64]bool{}
	return func(d *Delivery) bool {
		ok, seen := allowed[d.Thread]
		if !seen {
			ok = access.Correspond(a.Subject, d.Members, d.Child, today).Allow
			allowed[d.Thread] = ok
		}
		return ok
	}
}

// Closing is closed when the server shuts down: streams end.
func (s *Service) Closing() <-chan struct{} { return s.closing }
