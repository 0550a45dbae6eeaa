// Package correspond is the correspondence module (regulation §3.2.1):
// threads between organisations — about a child or general — in which
// their staff write to one another in real time, so that a child's
// problem is solved jointly and quickly instead of by letters that take
// weeks. Members are organisations; a person sees a thread when their
// organisation is a member and, for a thread about a child, when the one
// access policy lets them read the child (access.Correspond). Messages
// are immutable: an edit is a new version, and both are kept. Every read
// of a thread is audited.
package correspond

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/ratelimit"
	"github.com/scfwca/databank/internal/store"
)

// Author is who writes or reads: a person of an organisation, or a
// participant's system.
type Author struct {
	Subject access.Subject
	Actor   audit.Actor
	FIN     string
	Name    string
}

func (a Author) org() string {
	if a.Subject.Org == nil {
		return ""
	}
	return a.Subject.Org.Code
}

// Limits bound what a message may carry.
type Limits struct {
	MaxBody      int   // characters
	MaxSubject   int   // characters
	MaxFiles     int   // per message
	MaxFileBytes int64 // per file
	// PerMinute and Burst bound the messages one person posts.
	PerMinute float64
	Burst     int
	// ReminderLead is how long before an answer is due its reminder goes.
	ReminderLead time.Duration
}

// DefaultLimits: messages of up to 10,000 characters with up to five
// files of 10 MB; 20 messages a minute from one person, bursts of 10.
var DefaultLimits = Limits{MaxBody: 10000, MaxSubject: 200, MaxFiles: 5, MaxFileBytes: 10 << 20, PerMinute: 20, Burst: 10,
	ReminderLead: 24 * time.Hour}

// Service runs the correspondence.
type Service struct {
	store  *store.Store
	hub    *Hub
	now    func() time.Time
	mu     sync.Mutex // guards limits and flood, which the operator may change
	limits Limits
	flood  *ratelimit.Limiter
	// lastDelivered is the largest message id pushed, for catching up
	// after a broken notification connection.
	lastDelivered atomic.Int64
	closing       chan struct{}
	closeOnce     sync.Once
	listening     chan struct{}
	listenOnce    sync.Once
}

// New returns the service; its hub pushes new messages to the browsers
// connected to this server.
func New(st *store.Store, now func() time.Time, limits Limits) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, hub: NewHub(), now: now, limits: limits,
		flood: ratelimit.New(limits.PerMinute/60, limits.Burst, now), closing: make(chan struct{}), listening: make(chan struct{})}
}

// SetLimits changes the limits, as the operator's parameters say.
func (s *Service) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.PerMinute != s.limits.PerMinute || l.Burst != s.limits.Burst {
		s.flood = ratelimit.New(l.PerMinute/60, l.Burst, s.now)
	}
	s.limits = l
}

// Limits returns the limits in force.
func (s *Service) Limits() Limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits
}

// Shutdown ends the live streams, so that a server shutting down is not
// held by browsers that never hang up; they reconnect to another server.
func (s *Service) Shutdown() { s.closeOnce.Do(func() { close(s.closing) }) }

// Hub returns the service's hub.
func (s *Service) Hub() *Hub { return s.hub }

// Store returns the service's store.
func (s *Service) Store() *store.Store { return s.store }

// NewThread is what opening a thread takes.
type NewThread struct {
	Subject string
	ChildID int64 // 0 for a general thread
	Orgs    []string
	Body    string
	Files   []store.NewFile
	// Awaiting, when set, is the member an answer is awaited from, by Due.
	Awaiting string
	Due      time.Time
}

// childOf returns what the policy needs of a thread's child, or nil.
func (s *Service) childOf(ctx context.Context, childID int64) (*access.Child, error) {
	if childID == 0 {
		return nil, nil
	}
	sum, status, err := s.store.StoredSummary(ctx, childID)
	if err != nil {
		return nil, err
	}
	return &access.Child{Region: sum.Region, District: sum.District, Status: status, FatherFIN: sum.FatherFIN, MotherFIN: sum.MotherFIN}, nil
}

// Open opens a thread with its first message. The opener's organisation
// is a member; every other member is told.
func (s *Service) Open(ctx context.Context, a Author, in NewThread) (int64, error) {
	var errs []fault.FieldError
	in.Subject = strings.TrimSpace(in.Subject)
	switch n := utf8.RuneCountInString(in.Subject); {
	case n == 0:
		errs = append(errs, category.Problem("subject", "empty"))
	case n > s.Limits().MaxSubject:
		errs = append(errs, category.Problem("subject", "too_long", s.Limits().MaxSubject))
	}
	child, err := s.childOf(ctx, in.ChildID)
	if err != nil {
		return 0, err
	}
	members := []string{a.org()}
	for _, org := range in.Orgs {
		if org != "" && !slices.Contains(members, org) {
			members = append(members, org)
		}
	}
	errs = append(errs, s.checkOrgs(ctx, "orgs", members[1:], child)...)
	if len(members) < 2 {
		errs = append(errs, category.Problem("orgs", "no_other_org"))
	}
	body, mentioned, ferrs := s.checkMessage(ctx, in.Body, in.Files, child)
	errs = append(errs, ferrs...)
	for _, m := range mentioned {
		if !slices.Contains(members, m) {
			members = append(members, m)
		}
	}
	state := "open"
	if in.Awaiting != "" {
		state = "awaiting"
		if !slices.Contains(members, in.Awaiting) {
			errs = append(errs, category.Problem("awaiting", "not_member_org"))
		}
		if !in.Due.IsZero() && in.Due.Before(s.now()) {
			errs = append(errs, category.Problem("due", "date_past"))
		}
	}
	if len(errs) > 0 {
		return 0, fault.E("correspond.Open", fault.Invalid, errs)
	}
	if d := access.Correspond(a.Subject, members, child, category.Today(s.now())); !d.Allow {
		return 0, denied("correspond.Open", d)
	}
	if err := s.allowPost(a); err != nil {
		return 0, err
	}
	detail, _ := json.Marshal(map[string]any{"members": members, "files": len(in.Files)})
	id, msg, err := s.store.OpenThread(ctx, store.Thread{Subject: in.Subject, ChildID: in.ChildID, OpenedBy: a.org(),
		OpenedFIN: a.FIN, State: state, Awaiting: in.Awaiting, DueAt: in.Due}, members, store.Post{
		Message:   store.Message{Org: a.org(), AuthorFIN: a.FIN, AuthorName: a.Name, Body: body},
		Files:     in.Files,
		Mentioned: mentioned,
		Audit:     audit.Entry{Actor: a.Actor, Action: "thread.open", ChildID: in.ChildID, Outcome: "done", Detail: string(detail)},
	})
	if err != nil {
		return 0, err
	}
	s.published(ctx, msg)
	return id, nil
}

// Post writes a message to a thread. Organisations mentioned as
// @code in the text are added to the thread and told.
func (s *Service) Post(ctx context.Context, a Author, threadID int64, text string, files []store.NewFile) (int64, error) {
	t, child, err := s.member(ctx, a, threadID)
	if err != nil {
		return 0, err
	}
	body, mentioned, errs := s.checkMessage(ctx, text, files, child)
	if len(errs) > 0 {
		return 0, fault.E("correspond.Post", fault.Invalid, errs)
	}
	if err := s.allowPost(a); err != nil {
		return 0, err
	}
	var add []string
	for _, m := range mentioned {
		if !slices.Contains(t.MemberOrgs(), m) {
			add = append(add, m)
		}
	}
	p := store.Post{
		Message:   store.Message{ThreadID: threadID, Org: a.org(), AuthorFIN: a.FIN, AuthorName: a.Name, Body: body},
		Files:     files,
		Add:       add,
		Mentioned: mentioned,
		Audit:     audit.Entry{Actor: a.Actor, Action: "thread.post", ChildID: t.ChildID, Outcome: "done", Detail: fmt.Sprintf(`{"thread":%d}`, threadID)},
	}
	// An answer from the organisation awaited reopens the thread.
	if t.State == "awaiting" && t.Awaiting == a.org() {
		p.State = "open"
	}
	id, err := s.store.PostToThread(ctx, p)
	if err != nil {
		return 0, err
	}
	s.published(ctx, id)
	return id, nil
}

// Edit writes a new version of one's own message; the earlier versions
// stay.
func (s *Service) Edit(ctx context.Context, a Author, messageID int64, text string) (int64, error) {
	m, err := s.store.Message(ctx, messageID)
	if err != nil {
		return 0, err
	}
	t, child, err := s.member(ctx, a, m.ThreadID)
	if err != nil {
		return 0, err
	}
	if m.Kind != "message" || m.AuthorFIN != a.FIN || m.Org != a.org() {
		return 0, fault.E("correspond.Edit", fault.Forbidden, category.Problem("message", "not_your_message"))
	}
	body, _, errs := s.checkMessage(ctx, text, nil, child)
	if len(errs) > 0 {
		return 0, fault.E("correspond.Edit", fault.Invalid, errs)
	}
	first := m.ID
	if m.EditOf != 0 {
		first = m.EditOf
	}
	id, err := s.store.PostToThread(ctx, store.Post{
		Message: store.Message{ThreadID: t.ID, Org: a.org(), AuthorFIN: a.FIN, AuthorName: a.Name, Body: body, EditOf: first},
		Audit:   audit.Entry{Actor: a.Actor, Action: "thread.edit", ChildID: t.ChildID, Outcome: "done", Detail: fmt.Sprintf(`{"thread":%d,"edits":%d}`, t.ID, first)},
	})
	if err != nil {
		return 0, err
	}
	s.published(ctx, id)
	return id, nil
}

// Event is what a thread's event message says, as JSON in its body.
type Event struct {
	State    string   `json:"state,omitempty"`
	Awaiting string   `json:"awaiting,omitempty"`
	Due      string   `json:"due,omitempty"`
	Added    []string `json:"added,omitempty"`
	Rule     string   `json:"rule,omitempty"`
}

// SetState marks a thread open, awaiting an answer from a member by a
// time, or resolved.
func (s *Service) SetState(ctx context.Context, a Author, threadID int64, state, awaiting string, due time.Time) error {
	t, _, err := s.member(ctx, a, threadID)
	if err != nil {
		return err
	}
	var errs []fault.FieldError
	switch state {
	case "open", "resolved":
		awaiting, due = "", time.Time{}
	case "awaiting":
		if !slices.Contains(t.MemberOrgs(), awaiting) {
			errs = append(errs, category.Problem("awaiting", "not_member_org"))
		}
		if !due.IsZero() && due.Before(s.now()) {
			errs = append(errs, category.Problem("due", "date_past"))
		}
	default:
		errs = append(errs, category.Problem("state", "thread_state"))
	}
	if len(errs) > 0 {
		return fault.E("correspond.SetState", fault.Invalid, errs)
	}
	e := Event{State: state, Awaiting: awaiting}
	if !due.IsZero() {
		e.Due = due.UTC().Format(time.RFC3339)
	}
	body, _ := json.Marshal(e)
	id, err := s.store.PostToThread(ctx, store.Post{
		Message: store.Message{ThreadID: threadID, Org: a.org(), AuthorFIN: a.FIN, AuthorName: a.Name, Kind: "event", Body: string(body)},
		State:   state, Awaiting: awaiting, DueAt: due,
		Audit: audit.Entry{Actor: a.Actor, Action: "thread.state", ChildID: t.ChildID, Outcome: state, Detail: fmt.Sprintf(`{"thread":%d}`, threadID)},
	})
	if err != nil {
		return err
	}
	s.published(ctx, id)
	return nil
}

// AddOrgs makes organisations members of a thread.
func (s *Service) AddOrgs(ctx context.Context, a Author, threadID int64, orgs []string) error {
	t, child, err := s.member(ctx, a, threadID)
	if err != nil {
		return err
	}
	var add []string
	for _, o := range orgs {
		if o != "" && !slices.Contains(t.MemberOrgs(), o) && !slices.Contains(add, o) {
			add = append(add, o)
		}
	}
	if errs := s.checkOrgs(ctx, "orgs", add, child); len(errs) > 0 {
		return fault.E("correspond.AddOrgs", fault.Invalid, errs)
	}
	if len(add) == 0 {
		return nil
	}
	body, _ := json.Marshal(Event{Added: add})
	id, err := s.store.PostToThread(ctx, store.Post{
		Message: store.Message{ThreadID: threadID, Org: a.org(), AuthorFIN: a.FIN, AuthorName: a.Name, Kind: "event", Body: string(body)},
		Add:     add, Mentioned: add,
		Audit: audit.Entry{Actor: a.Actor, Action: "thread.add", ChildID: t.ChildID, Outcome: "done", Detail: fmt.Sprintf(`{"thread":%d}`, threadID)},
	})
	if err != nil {
		return err
	}
	s.published(ctx, id)
	return nil
}

// View returns a thread and its messages to a member, audited, and moves
// the organisation's read receipt to the last message.
func (s *Service) View(ctx context.Context, a Author, threadID int64) (*store.Thread, []store.Message, error) {
	if _, _, err := s.member(ctx, a, threadID); err != nil {
		return nil, nil, err
	}
	t, msgs, err := s.store.LoadThread(ctx, threadID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.store.Audit(ctx, audit.Entry{Actor: a.Actor, Action: "thread.read", ChildID: t.ChildID, Outcome: "shown",
		Detail: fmt.Sprintf(`{"thread":%d}`, threadID)}); err != nil {
		return nil, nil, err
	}
	if len(msgs) > 0 {
		last := msgs[len(msgs)-1].ID
		if err := s.store.MarkRead(ctx, threadID, a.org(), last); err != nil {
			return nil, nil, err
		}
		for i := range t.Members {
			if t.Members[i].Org == a.org() && t.Members[i].ReadUpto < last {
				t.Members[i].ReadUpto, t.Members[i].ReadAt = last, s.now()
			}
		}
	}
	return t, msgs, nil
}

// File returns an attachment to a member of its thread, audited.
func (s *Service) File(ctx context.Context, a Author, id int64) (store.File, []byte, error) {
	f, data, threadID, err := s.store.Attachment(ctx, id)
	if err != nil {
		return f, nil, err
	}
	t, _, err := s.member(ctx, a, threadID)
	if err != nil {
		return f, nil, err
	}
	err = s.store.Audit(ctx, audit.Entry{Actor: a.Actor, Action: "thread.file", ChildID: t.ChildID, Outcome: "shown",
		Detail: fmt.Sprintf(`{"thread":%d,"file":%d}`, threadID, id)})
	return f, data, err
}

// List returns the threads of the author's organisation that the author
// may see.
func (s *Service) List(ctx context.Context, a Author, f store.ThreadFilter) ([]store.ThreadRow, error) {
	if a.org() == "" {
		return []store.ThreadRow{}, nil
	}
	rows, err := s.store.ThreadsOf(ctx, a.org(), f)
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	children := map[int64]*access.Child{}
	today := category.Today(s.now())
	for _, r := range rows {
		child, ok := children[r.ChildID]
		if !ok {
			if child, err = s.childOf(ctx, r.ChildID); err != nil {
				return nil, err
			}
			children[r.ChildID] = child
		}
		// The author's organisation is a member of every listed thread.
		if access.Correspond(a.Subject, []string{a.org()}, child, today).Allow {
			out = append(out, r)
		}
	}
	return out, nil
}

// Unread counts the messages in threads the author may see that no one of
// the author's organisation has read.
func (s *Service) Unread(ctx context.Context, a Author) (int, error) {
	rows, err := s.List(ctx, a, store.ThreadFilter{Unread: true, Limit: 500})
	n := 0
	for _, r := range rows {
		n += r.Unread
	}
	return n, err
}

// member loads a thread and checks that the author may see it.
func (s *Service) member(ctx context.Context, a Author, threadID int64) (*store.Thread, *access.Child, error) {
	t, err := s.store.ThreadOf(ctx, threadID)
	if err != nil {
		return nil, nil, err
	}
	child, err := s.childOf(ctx, t.ChildID)
	if err != nil {
		return nil, nil, err
	}
	if d := access.Correspond(a.Subject, t.MemberOrgs(), child, category.Today(s.now())); !d.Allow {
		s.store.Audit(ctx, audit.Entry{Actor: a.Actor, Action: "thread.read", ChildID: t.ChildID, Outcome: "denied: " + d.Reason,
			Detail: fmt.Sprintf(`{"thread":%d}`, threadID)})
		return nil, nil, denied("correspond.member", d)
	}
	return t, child, nil
}

func (s *Service) allowPost(a Author) error {
	s.mu.Lock()
	flood := s.flood
	s.mu.Unlock()
	if wait, ok := flood.Allow(a.FIN + "/" + a.org()); !ok {
		return fault.E("correspond.Post", fault.Unavailable, msgFlood(wait))
	}
	return nil
}

func msgFlood(wait time.Duration) i18n.Text {
	secs := int(wait.Seconds()) + 1
	return i18n.T(fmt.Sprintf("Çox tez-tez yazırsınız; %d saniyədən sonra yenidən cəhd edin", secs),
		fmt.Sprintf("You are writing too often; try again in %d seconds", secs),
		fmt.Sprintf("Вы пишете слишком часто; попробуйте снова через %d с", secs))
}

var msgNotMember = i18n.T("Bu yazışmanı görməyə icazəniz yoxdur. Təşkilatınızın rəhbərinə və ya operatora müraciət edin",
	"You may not see this thread. Ask your organisation's head or the operator",
	"Вам не разрешено видеть эту переписку. Обратитесь к руководителю организации или к оператору")

func denied(op string, d access.Decision) error {
	return fault.E(op, fault.Forbidden, msgNotMember, fmt.Errorf("denied: %s", d.Reason))
}

// checkOrgs checks organisations to add to a thread about child.
func (s *Service) checkOrgs(ctx context.Context, field string, orgs []string, child *access.Child) []fault.FieldError {
	var errs []fault.FieldError
	for _, code := range orgs {
		p, err := s.store.Participant(ctx, code)
		if err != nil {
			errs = append(errs, category.Problem(field, "unknown_org", code))
			continue
		}
		if d := access.Join(p, child); !d.Allow {
			errs = append(errs, category.Problem(field, "org_cannot_join", code, d.Reason))
		}
	}
	return errs
}

// mention is an organisation named in a message: @education,
// @commission.sabail.
var mention = regexp.MustCompile(`(?:^|\s)@([a-z_]+(?:\.[a-z_]+)?)`)

// checkMessage checks a message's text and files, and returns the text
// and the organisations it mentions.
func (s *Service) checkMessage(ctx context.Context, text string, files []store.NewFile, child *access.Child) (string, []string, []fault.FieldError) {
	var errs []fault.FieldError
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0 && len(files) == 0:
		errs = append(errs, category.Problem("body", "empty"))
	case n > s.Limits().MaxBody:
		errs = append(errs, category.Problem("body", "too_long", s.Limits().MaxBody))
	}
	var mentioned []string
	for _, m := range mention.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(mentioned, m[1]) {
			mentioned = append(mentioned, m[1])
		}
	}
	errs = append(errs, s.checkOrgs(ctx, "body", mentioned, child)...)
	errs = append(errs, s.checkFiles(files)...)
	return text, mentioned, errs
}

// allowedTypes are the kinds of file a message may carry, by the type
// sniffed from their content; DOCX and XLSX are ZIP archives and known by
// their extension.
var allowedTypes = map[string]string{
	"application/pdf": "application/pdf",
	"image/png":       "image/png",
	"image/jpeg":      "image/jpeg",
	"text/plain":      "text/plain; charset=utf-8",
}

var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// sniff tells the type of a file from its first bytes, for the kinds a
// message may carry: PDF, PNG, JPEG and ZIP by their signatures, text as
// UTF-8 without control characters but tab and line ends.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "application/zip"
	}
	if len(b) == 0 || !utf8.Valid(b) {
		return ""
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return ""
		}
	}
	return "text/plain"
}

func (s *Service) checkFiles(files []store.NewFile) []fault.FieldError {
	var errs []fault.FieldError
	limits := s.Limits()
	if len(files) > limits.MaxFiles {
		errs = append(errs, category.Problem("files", "too_many_files", limits.MaxFiles))
	}
	for i := range files {
		f := &files[i]
		f.Name = cleanName(f.Name)
		if int64(len(f.Data)) > limits.MaxFileBytes {
			errs = append(errs, category.Problem("files", "file_too_large", f.Name, limits.MaxFileBytes>>20))
			continue
		}
		if t, ok := FileType(f.Name, f.Data); ok {
			f.ContentType = t
			continue
		}
		errs = append(errs, category.Problem("files", "file_type", f.Name))
	}
	return errs
}

// FileType returns the content type of a file a person may attach — PDF,
// PNG, JPEG, text, DOCX or XLSX, told by its content (an office file by
// its extension too, being a ZIP archive) — and false for any other.
func FileType(name string, data []byte) (string, bool) {
	sniffed := sniff(data)
	if t, ok := allowedTypes[sniffed]; ok {
		return t, true
	}
	if t, ok := officeTypes[strings.ToLower(path.Ext(name))]; ok && sniffed == "application/zip" {
		return t, true
	}
	return "", false
}

// CleanName keeps a file's base name, without path or control characters,
// at most 120 characters.
func CleanName(name string) string { return cleanName(name) }

// cleanName keeps a file's base name, without path or control
// characters, at most 120 characters.
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	return name
}

// Remind tells the organisations threads await answers from: once a day
// from the reminder lead (a day by default) before the answer is due, and
// once a day after it is overdue. It returns how many notices it sent.
func (s *Service) Remind(ctx context.Context) (int, error) {
	now := s.now()
	lead := s.Limits().ReminderLead
	if lead <= 0 {
		lead = 24 * time.Hour
	}
	due, err := s.store.DueThreads(ctx, now.Add(lead), now.Add(-24*time.Hour))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range due {
		kind := store.NoticeReminder
		if t.DueAt.Before(now) {
			kind = store.NoticeOverdue
		}
		err := s.store.Remind(ctx, t.ID, t.Awaiting, kind, audit.Entry{Actor: audit.SystemActor("reminders"), Action: "thread.remind",
			ChildID: t.ChildID, Outcome: kind + " to " + t.Awaiting, Detail: fmt.Sprintf(`{"thread":%d}`, t.ID)})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
