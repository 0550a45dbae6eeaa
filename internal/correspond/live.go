package correspond

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
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

// Stream is the Server-Sent Events stream of a person's threads: first
// the messages after the one the browser last saw (the Last-Event-ID it
// sends when it reconnects, or ?after=), then each new message as it is
// stored, on any server. Opening the stream is audited once.
func (s *Service) Stream(w http.ResponseWriter, r *http.Request, a Author) {
	if a.org() == "" {
		http.Error(w, "no organisation", http.StatusForbidden)
		return
	}
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if after == 0 {
		after, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	}
	sub := s.hub.Subscribe(a.org())
	defer sub.Close()
	ctx := r.Context()
	if err := s.store.Audit(ctx, audit.Entry{Actor: a.Actor, Action: "thread.follow", Outcome: "streaming",
		Detail: fmt.Sprintf(`{"after":%d}`, after)}); err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")

	today := category.Today(s.now())
	allowed := map[int64]bool{} // thread → may the person see it
	may := func(thread int64, members []string, child *access.Child) bool {
		ok, seen := allowed[thread]
		if !seen {
			ok = access.Correspond(a.Subject, members, child, today).Allow
			allowed[thread] = ok
		}
		return ok
	}
	// What was sent, by id: the catch-up and the live deliveries overlap,
	// and on PostgreSQL messages committed at the same moment may arrive
	// out of order, so the ids seen are remembered, not only the largest.
	sent := map[int64]bool{}
	if after > 0 {
		missed, err := s.store.MessagesAfter(ctx, a.org(), after, 500)
		if err != nil {
			return
		}
		threads := map[int64]*store.Thread{}
		for i := range missed {
			m := &missed[i]
			t, ok := threads[m.ThreadID]
			if !ok {
				if t, err = s.store.ThreadOf(ctx, m.ThreadID); err != nil {
					return
				}
				threads[m.ThreadID] = t
			}
			child, err := s.childOf(ctx, t.ChildID)
			if err != nil {
				return
			}
			if may(m.ThreadID, t.MemberOrgs(), child) {
				b, _ := json.Marshal(s.live(ctx, m))
				fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", m.ID, b)
			}
			sent[m.ID] = true
		}
	}
	if err := rc.Flush(); err != nil {
		return
	}
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.closing:
			return
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case d, ok := <-sub.C:
			if !ok {
				return // fell behind: the browser reconnects and catches up
			}
			if d.ID <= after || sent[d.ID] || !may(d.Thread, d.Members, d.Child) {
				continue
			}
			fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", d.ID, d.JSON)
			if len(sent) > 10000 {
				clear(sent)
			}
			sent[d.ID] = true
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
