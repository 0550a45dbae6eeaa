// Package registry is the Data Bank's service over children's data: it
// validates what participants send, identifies the child, checks the
// sender's competence, stores each record as a fact and reads profiles
// back. The exchange API, the e-cabinet and the command line all come
// through it; none of them writes to the store directly.
package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/azid"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
)

// Service is the registry of children's data.
type Service struct {
	store  *store.Store
	now    func() time.Time
	stored func(children []int64)
	// senderDays is how long after archiving the senders still read a
	// profile (§1.8); a year unless the operator set it.
	senderDays atomic.Int64
}

// SetArchiveAccess sets how many days after a profile is archived the
// participants that sent data about the child may still read it.
func (s *Service) SetArchiveAccess(days int) { s.senderDays.Store(int64(days)) }

// policyChild is what the access policy needs of a child: its summary,
// and for an archived profile who sent data about it and until when they
// may read it.
func (s *Service) policyChild(ctx context.Context, id int64, sum profile.Summary) (access.Child, error) {
	c := accessChild(sum)
	if sum.Status != "archived" {
		return c, nil
	}
	senders, err := s.store.Senders(ctx, id)
	if err != nil {
		return c, err
	}
	c.SentBy = senders
	if on, err := category.ParseDate(sum.ArchivedOn); err == nil {
		c.SendersUntil = on.AddDays(int(s.senderDays.Load()))
	}
	return c, nil
}

// OnStored sets what runs after new facts about children were stored
// (committed): the signals are evaluated for those children. It must not
// block; it is set once, before the service is used.
func (s *Service) OnStored(fn func(children []int64)) { s.stored = fn }

func (s *Service) notify(children ...int64) {
	if s.stored != nil && len(children) > 0 {
		s.stored(children)
	}
}

// New returns the registry over a store. now is the clock; time.Now when
// nil.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{store: st, now: now}
	s.senderDays.Store(365)
	return s
}

// ChildSelector says which child a record is about: by a document, or,
// when the child has none yet, by name and birth date (and the mother's
// FIN where known).
type ChildSelector struct {
	FIN              string               `json:"fin,omitzero" v:"fin"`
	BirthCertificate *BirthCertificate    `json:"birth_certificate,omitzero"`
	ResidencePermit  string               `json:"residence_permit,omitzero" v:"permit"`
	RefugeeCard      string               `json:"refugee_card,omitzero" v:"refugee"`
	Name             *category.PersonName `json:"name,omitzero"`
	BirthDate        category.Date        `json:"birth_date,omitzero"`
	MotherFIN        string               `json:"mother_fin,omitzero" v:"fin"`
}

// BirthCertificate identifies a birth certificate.
type BirthCertificate struct {
	Series string `json:"series" v:"required,max=10"`
	Number string `json:"number" v:"required,max=20"`
}

// CertificateKey is the stored key value of a birth certificate: series
// and number, upper-cased, without spaces.
func CertificateKey(series, number string) string {
	clean := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
	return clean(series) + "/" + clean(number)
}

// keys returns the selector's keys, strongest first.
func (c *ChildSelector) keys() []profile.Key {
	var ks []profile.Key
	if c.FIN != "" {
		ks = append(ks, profile.Key{Kind: profile.KeyFIN, Value: c.FIN})
	}
	if b := c.BirthCertificate; b != nil {
		ks = append(ks, profile.Key{Kind: profile.KeyBirthCertificate, Value: CertificateKey(b.Series, b.Number)})
	}
	if c.ResidencePermit != "" {
		ks = append(ks, profile.Key{Kind: profile.KeyResidencePermit, Value: c.ResidencePermit})
	}
	if c.RefugeeCard != "" {
		ks = append(ks, profile.Key{Kind: profile.KeyRefugeeCard, Value: c.RefugeeCard})
	}
	return ks
}

// Record is one record a participant sends: the envelope of a category
// payload.
type Record struct {
	SourceID      string          `json:"source_id" v:"required,max=100"`
	Category      string          `json:"category" v:"required,max=50"`
	Child         ChildSelector   `json:"child" v:"required"`
	EffectiveDate category.Date   `json:"effective_date" v:"required"`
	Action        string          `json:"action" v:"required,enum=upsert|retract"`
	Data          json.RawMessage `json:"data,omitzero"`

	// data is Data as the Data Bank received it, parsed once
	// (category.Parse): decodeRecord leaves Data empty and validation
	// reads this. nil when the record carries no payload.
	data any
}

// Outcome is what became of one record.
type Outcome struct {
	SourceID   string             `json:"source_id"`
	Status     string             `json:"status"` // accepted | unchanged | rejected
	ChildID    int64              `json:"child_id,omitempty"`
	FactID     int64              `json:"fact_id,omitempty"`
	Errors     []fault.FieldError `json:"errors,omitempty"`
	Candidates []int64            `json:"candidates,omitempty"`
}

// The statuses of an outcome.
const (
	Accepted  = "accepted"
	Unchanged = "unchanged"
	Rejected  = "rejected"
)

// Sender is a participant sending records, and the context they come in.
type Sender struct {
	// Participant is the sending organisation's code.
	Participant string
	// Actor is who sends, for the audit log.
	Actor audit.Actor
	// BatchID is the signed batch the records came in, kept as evidence.
	BatchID string
	// ReceivedAt backdates the records; only the population generator
	// sets it, to give synthetic children a history.
	ReceivedAt time.Time
	// Subject is who sends, as the access policy sees it; when its Role is
	// empty, the participant's system with its default rights.
	Subject access.Subject
}

// subject returns who sends, as the access policy sees it.
func (s Sender) subject() access.Subject {
	if s.Subject.Role != "" {
		return s.Subject
	}
	return access.Subject{Role: access.System, Org: defaultParticipant(s.Participant)}
}

var defaults = func() map[string]*participant.Participant {
	m := map[string]*participant.Participant{}
	for _, p := range participant.Defaults() {
		m[p.Code] = &p
	}
	return m
}()

// defaultParticipant returns a participant with its default rights, or
// nil for an unknown code (which the policy denies).
func defaultParticipant(code string) *participant.Participant { return defaults[code] }

// Prepare validates a record from its JSON and readies it for storing. The
// error is of kind fault.Invalid or fault.Forbidden and lists every wrong
// field.
func (s *Service) Prepare(ctx context.Context, from Sender, raw []byte) (store.Submission, *Record, error) {
	today := category.Today(s.now())
	r, cat, err := decodeRecord(raw, today)
	if err != nil {
		return store.Submission{}, r, err
	}
	state, known, err := s.store.ChildState(ctx, r.Child.keys())
	if err != nil {
		return store.Submission{}, r, err
	}
	sub, err := s.complete(from, r, cat, state, known, today)
	if err == nil {
		detail, _ := json.Marshal(map[string]string{"batch": from.BatchID, "source_id": r.SourceID, "action": r.Action})
		sub.Detail = string(detail)
	}
	return sub, r, err
}

// decodeRecord decodes and validates a record's envelope, naming every
// wrong field of it and of its payload.
func decodeRecord(raw []byte, today category.Date) (*Record, *category.Category, error) {
	v, ok := category.Parse(raw)
	if !ok {
		var r Record
		return &r, nil, fault.E("registry.Prepare", fault.Invalid, []fault.FieldError{category.Problem("", "type_object")})
	}
	return decodeParsed(v, today)
}

// decodeParsed is decodeRecord for a record already parsed (as
// category.Parse parses: numbers as json.Number); it takes the payload
// out of v.
func decodeParsed(v any, today category.Date) (*Record, *category.Category, error) {
	var r Record
	if obj, ok := v.(map[string]any); ok {
		// The payload is validated from its parsed value, by its
		// category, not turned back into bytes for the envelope.
		r.data = obj["data"]
		if s, ok := r.data.(string); ok && strings.TrimSpace(s) == "" {
			r.data = nil // a blank field is absent, as the envelope's decoding takes it
		}
		delete(obj, "data")
	}
	errs := category.DecodeValue(v, &r, category.Context{Today: today}, "")
	if len(errs) > 0 {
		// List the payload's errors too, so that every wrong field is
		// named at once.
		if cat, ok := category.Lookup(r.Category); ok && r.data != nil && r.Action != profile.Retract {
			if _, err := cat.ValidateValue(r.data, category.Context{Today: today, BirthDate: r.Child.BirthDate}, "data"); err != nil {
				errs = append(errs, fault.FieldsOf(err)...)
			}
		}
		return &r, nil, fault.E("registry.Prepare", fault.Invalid, errs)
	}
	cat, ok := category.Lookup(r.Category)
	if !ok {
		return &r, nil, fault.E("registry.Prepare", fault.Invalid, category.Problem("category", "unknown_category"))
	}
	return &r, cat, nil
}

// complete validates a decoded record against the child it is about (its
// stored summary, when known) and the sender's rights, and makes the
// submission of it.
func (s *Service) complete(from Sender, r *Record, cat *category.Category, state profile.Summary, known bool, today category.Date) (store.Submission, error) {
	keys := r.Child.keys()
	if d := access.Decide(from.subject(), access.Write, cat, accessChild(state), today); !d.Allow {
		if d.Reason == access.ReasonCompetence {
			return store.Submission{}, fault.E("registry.Prepare", fault.Forbidden, category.Problem("category", "forbidden_category"))
		}
		return store.Submission{}, fault.E("registry.Prepare", fault.Forbidden, category.Problem("child", "access_denied", d.Reason))
	}
	if len(keys) == 0 && (r.Child.Name == nil || r.Child.BirthDate.IsZero()) {
		return store.Submission{}, fault.E("registry.Prepare", fault.Invalid, category.Problem("child", "child_key_missing"))
	}
	f := profile.Fact{
		Category: cat.Code, Sender: from.Participant, SourceID: r.SourceID, Action: r.Action,
		EffectiveDate: r.EffectiveDate, BatchID: from.BatchID, ReceivedAt: from.ReceivedAt,
	}
	if f.ReceivedAt.IsZero() {
		f.ReceivedAt = s.now()
	}
	if r.Action == profile.Upsert {
		if r.data == nil {
			return store.Submission{}, fault.E("registry.Prepare", fault.Invalid, category.Problem("data", "required"))
		}
		birth := birthDate(cat, r, state.BirthDate, known)
		vctx := category.Context{Today: today, BirthDate: birth, Effective: r.EffectiveDate}
		canon, payload, err := cat.CanonicalValue(r.data, vctx, "data")
		if err != nil {
			return store.Submission{}, err
		}
		if bd := birth; !bd.IsZero() && r.EffectiveDate.Before(bd) {
			return store.Submission{}, fault.E("registry.Prepare", fault.Invalid, category.Problem("effective_date", "before_birth"))
		}
		f.Payload, f.Value = canon, payload
		keys = append(keys, payloadKeys(payload, keys)...)
	}
	sum := sha256.Sum256(append([]byte(f.Action+"\x00"), f.Payload...))
	f.ContentHash = hex.EncodeToString(sum[:])
	var hints profile.Hints
	if r.Child.Name != nil {
		hints = profile.Hints{Name: *r.Child.Name, BirthDate: r.Child.BirthDate, MotherFIN: r.Child.MotherFIN}
	}
	return store.Submission{Keys: keys, Hints: hints, Fact: f, Actor: from.Actor}, nil
}

// birthDate is the child's birth date for the age rules: from the
// payload of a birth registration, else from the profile of the child the
// keys name, else from the record's selector.
func birthDate(cat *category.Category, r *Record, stored category.Date, known bool) category.Date {
	if cat == category.CatBirthRegistration {
		if obj, ok := r.data.(map[string]any); ok {
			if s, ok := obj["birth_date"].(string); ok {
				if d, err := category.ParseDate(s); err == nil {
					return d
				}
			}
		}
		return category.Date{}
	}
	if known && !stored.IsZero() {
		return stored
	}
	return r.Child.BirthDate
}

// accessChild is what the access policy needs of a child's summary.
func accessChild(s profile.Summary) access.Child {
	return access.Child{Region: s.Region, District: s.District, Status: s.Status, FatherFIN: s.FatherFIN, MotherFIN: s.MotherFIN}
}

// payloadKeys returns the identifying keys a payload carries that the
// selector did not already give.
func payloadKeys(p any, have []profile.Key) []profile.Key {
	var ks []profile.Key
	add := func(kind, value string) {
		if value == "" {
			return
		}
		for _, k := range append(have, ks...) {
			if k.Kind == kind {
				return
			}
		}
		ks = append(ks, profile.Key{Kind: kind, Value: value})
	}
	switch p := p.(type) {
	case *category.BirthRegistration:
		add(profile.KeyFIN, p.FIN)
		add(profile.KeyBirthCertificate, CertificateKey(p.Certificate.Series, p.Certificate.Number))
	case *category.IdentityCard:
		add(profile.KeyFIN, p.FIN)
	case *category.ResidencePermit:
		add(profile.KeyFIN, p.FIN)
		add(profile.KeyResidencePermit, p.Number)
	case *category.RefugeeCard:
		add(profile.KeyRefugeeCard, p.Number)
	}
	return ks
}

// Submit validates and stores one record, atomically on its own. A refused
// record gets an outcome listing every problem, leaves an audit entry and
// stores nothing; the error is returned only when the Data Bank itself
// failed.
func (s *Service) Submit(ctx context.Context, from Sender, raw []byte) (Outcome, error) {
	sub, rec, err := s.Prepare(ctx, from, raw)
	if err != nil {
		return s.refuse(ctx, from, rec, err)
	}
	res, err := s.store.Submit(ctx, sub)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return s.refuse(ctx, from, rec, fault.E("registry.Submit", fault.Invalid, category.Problem("source_id", "not_found")))
		}
		return Outcome{SourceID: rec.SourceID}, err
	}
	if res.Status == store.Accepted {
		s.notify(res.ChildID)
	}
	return Outcome{SourceID: rec.SourceID, Status: string(res.Status), ChildID: res.ChildID, FactID: res.FactID, Candidates: res.Candidates}, nil
}

// Signed is a signed batch, kept as evidence with its records and the
// answer given to it.
type Signed struct {
	Batch store.Batch // as received; its Response is the answer
	// Answer gives the answer to the batch from its records' outcomes.
	// It may be called more than once.
	Answer func([]Outcome) (string, error)
	// Prepared, if set, is called once the records are decoded and
	// validated, before they are stored.
	Prepared func()
}

// SubmitBatch validates and stores the records of one signed batch, each
// atomically on its own, in a single transaction with the batch and its
// answer: the exchange's path, where a commit per record would spend the
// time on disk flushes. The batch leaves one audit entry, written in the
// same transaction: detail (what the edge knows: batch, certificate,
// signer), the children and categories touched, the counts, and every
// refused record with its codes. It returns every record's outcome in
// order; the error is returned only when the Data Bank itself failed, and
// then nothing was stored. When the sender sent the batch before and it
// was answered, nothing is stored and the batch is returned, with its
// answer, instead of outcomes. The records come parsed, as the batch's
// envelope was read (numbers as json.Number, see category.Parse): a
// batch's body is read once.
func (s *Service) SubmitBatch(ctx context.Context, from Sender, records []any, detail map[string]any, signed Signed) (*store.Batch, []Outcome, error) {
	out := make([]Outcome, len(records))
	var subs []store.Submission
	var index []int
	var rejected []string
	refuse := func(i int, source string, err error) {
		out[i] = Outcome{SourceID: source, Status: Rejected, Errors: fault.FieldsOf(err)}
		rejected = append(rejected, rejection(source, out[i].Errors))
	}
	// Decode every record, then look up all the children they name at
	// once, then validate each against its child.
	today := category.Today(s.now())
	recs := make([]*Record, len(records))
	cats := make([]*category.Category, len(records))
	var keys []profile.Key
	for i, v := range records {
		r, cat, err := decodeParsed(v, today)
		if err != nil {
			refuse(i, r.SourceID, err)
			continue
		}
		recs[i], cats[i] = r, cat
		keys = append(keys, r.Child.keys()...)
	}
	states, err := s.store.ChildStates(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range recs {
		if r == nil {
			continue
		}
		keys := r.Child.keys()
		state, known := states.Of(keys)
		sub, err := s.complete(from, r, cats[i], state, known, today)
		if err != nil {
			if k := fault.KindOf(err); k != fault.Invalid && k != fault.Forbidden {
				return nil, nil, err
			}
			refuse(i, r.SourceID, err)
			continue
		}
		out[i].SourceID = r.SourceID
		subs = append(subs, sub)
		index = append(index, i)
	}
	if detail == nil {
		detail = map[string]any{}
	}
	detail["batch"], detail["rejected"] = from.BatchID, rejected
	b, _ := json.Marshal(detail)
	entry := audit.Entry{Actor: from.Actor, Action: "exchange.batch", Outcome: "answered", Detail: string(b)}
	// The store's outcomes complete the validation's: the answer, written
	// with the records, is given from both. The last answer given is the
	// committed transaction's.
	var answered []Outcome
	var touched []int64
	ev := store.Evidence{Batch: signed.Batch, Answer: func(each []store.Each) (string, error) {
		answered, touched = completeOutcomes(out, index, each)
		return signed.Answer(answered)
	}}
	if signed.Prepared != nil {
		signed.Prepared()
	}
	prev, _, err := s.store.SubmitBatch(ctx, ev, subs, entry)
	if err != nil || prev != nil {
		return prev, nil, err
	}
	s.notify(touched...)
	return nil, answered, nil
}

// completeOutcomes completes the outcomes of validation (out) with the
// store's (each, of the records at index), in a copy, and returns the
// children that gained a record.
func completeOutcomes(out []Outcome, index []int, each []store.Each) ([]Outcome, []int64) {
	all := slices.Clone(out)
	var touched []int64
	for j, e := range each {
		i := index[j]
		if e.Err != nil {
			// The store refuses the retraction of a record it does not
			// hold, and a record that met a concurrent change to the same
			// record, which may simply be sent again.
			code := "not_found"
			if fault.Is(e.Err, fault.Conflict) {
				code = "conflict_retry"
			}
			all[i] = Outcome{SourceID: all[i].SourceID, Status: Rejected, Errors: []fault.FieldError{category.Problem("source_id", code)}}
			continue
		}
		r := e.Result
		all[i] = Outcome{SourceID: all[i].SourceID, Status: string(r.Status), ChildID: r.ChildID, FactID: r.FactID, Candidates: r.Candidates}
		if r.Status == store.Accepted {
			touched = append(touched, r.ChildID)
		}
	}
	return all, touched
}

// rejection describes a refused record for the audit log: its source id
// and the codes of its errors.
func rejection(source string, errs []fault.FieldError) string {
	codes := make([]string, len(errs))
	for i, e := range errs {
		codes[i] = e.Field + ":" + e.Code
	}
	return source + " " + strings.Join(codes, ",")
}

// refuse turns a refusal into an outcome and audits it.
func (s *Service) refuse(ctx context.Context, from Sender, rec *Record, err error) (Outcome, error) {
	k := fault.KindOf(err)
	if k != fault.Invalid && k != fault.Forbidden {
		return Outcome{SourceID: rec.SourceID}, err
	}
	out := Outcome{SourceID: rec.SourceID, Status: Rejected, Errors: fault.FieldsOf(err)}
	detail, _ := json.Marshal(map[string]any{"batch": from.BatchID, "rejected": rejection(rec.SourceID, out.Errors)})
	aerr := s.store.Audit(ctx, audit.Entry{Actor: from.Actor, Action: "fact.submit", Category: rec.Category, Outcome: Rejected, Detail: string(detail)})
	return out, aerr
}

// Identify finds the child a key names: a FIN, a birth certificate
// ("SERIES/NUMBER"), a residence permit, a refugee card, or the internal
// id ("id:123").
func (s *Service) Identify(ctx context.Context, key string) (int64, error) {
	k, err := ParseKey(key)
	if err != nil {
		return 0, err
	}
	if k.Kind == "id" {
		return internalID(k), nil
	}
	return s.store.FindChild(ctx, k)
}

// internalID is the number of an "id:N" key, which ParseKey has checked
// is all digits.
func internalID(k profile.Key) int64 {
	var id int64
	for _, r := range k.Value {
		id = id*10 + int64(r-'0')
	}
	return id
}

// loadChild reads the child a key names, as Identify finds it, whole: a
// document key is looked up in the statement that reads the child.
func (s *Service) loadChild(ctx context.Context, key string) (*store.Child, error) {
	k, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	if k.Kind == "id" {
		return s.store.LoadChild(ctx, internalID(k))
	}
	return s.store.LoadChildByKey(ctx, k)
}

var errBadKey = errors.New("not a FIN, birth certificate (SERIES/NUMBER), residence permit, refugee card or id:N")

// ParseKey reads a child key as people type it. A key may name its kind
// ("refugee_card:QR12345"), which settles the rare number that could be
// read as more than one kind; otherwise FIN is tried first.
func ParseKey(key string) (profile.Key, error) {
	key = strings.TrimSpace(key)
	if kind, value, ok := strings.Cut(key, ":"); ok && kind != "id" {
		var norm string
		switch kind {
		case profile.KeyFIN:
			norm, ok = azid.FIN(value)
		case profile.KeyResidencePermit:
			norm, ok = azid.ResidencePermit(value)
		case profile.KeyRefugeeCard:
			norm, ok = azid.RefugeeCard(value)
		case profile.KeyBirthCertificate:
			series, number, found := strings.Cut(value, "/")
			norm, ok = CertificateKey(series, number), found && series != "" && number != ""
		default:
			ok = false
		}
		if !ok {
			return profile.Key{}, fault.E("registry.ParseKey", fault.Invalid, category.Problem("key", "child_key_missing"), errBadKey)
		}
		return profile.Key{Kind: kind, Value: norm}, nil
	}
	if rest, ok := strings.CutPrefix(key, "id:"); ok && rest != "" && strings.Trim(rest, "0123456789") == "" && len(rest) < 18 {
		return profile.Key{Kind: "id", Value: rest}, nil
	}
	if fin, ok := azid.FIN(key); ok {
		return profile.Key{Kind: profile.KeyFIN, Value: fin}, nil
	}
	if p, ok := azid.ResidencePermit(key); ok {
		return profile.Key{Kind: profile.KeyResidencePermit, Value: p}, nil
	}
	if series, number, ok := strings.Cut(key, "/"); ok && series != "" && number != "" {
		return profile.Key{Kind: profile.KeyBirthCertificate, Value: CertificateKey(series, number)}, nil
	}
	if r, ok := azid.RefugeeCard(key); ok {
		return profile.Key{Kind: profile.KeyRefugeeCard, Value: r}, nil
	}
	return profile.Key{}, fault.E("registry.ParseKey", fault.Invalid, category.Problem("key", "child_key_missing"), errBadKey)
}

// Item is one record of a bulk load with its sender.
type Item struct {
	From Sender
	Raw  []byte
}

// Load validates every item and stores them all in one transaction, or
// none: the path the population generator loads through. The error names
// the first item that failed.
func (s *Service) Load(ctx context.Context, items []Item) error {
	subs := make([]store.Submission, len(items))
	for i, it := range items {
		sub, rec, err := s.Prepare(ctx, it.From, it.Raw)
		if err != nil {
			return fault.E("registry.Load", fmt.Errorf("item %d (%s %s): %w", i, rec.Category, rec.SourceID, err))
		}
		subs[i] = sub
	}
	_, err := s.store.SubmitAll(ctx, subs)
	return err
}
