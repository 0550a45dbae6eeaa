package annual

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/store"
)

// The states of a report.
const (
	Draft     = "draft"
	Submitted = "submitted"
	Returned  = "returned"
	Accepted  = "accepted"
)

// Service runs the annual reports over the store.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns the service; now is the clock (time.Now when nil).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now}
}

// Who is who acts: their role and organisation for the rules, and the
// actor recorded in the history and the audit.
type Who struct {
	Subject access.Subject
	Actor   audit.Actor
}

func (w Who) org() string {
	if w.Subject.Org == nil {
		return ""
	}
	return w.Subject.Org.Code
}

// Operator reports whether the person administers the Data Bank.
func (w Who) Operator() bool { return w.Subject.Role == access.OperatorAdmin && !w.Subject.Suspended }

// ReadsAll reports whether the person reads every participant's reports:
// the operator's staff and the evaluator (read only).
func (w Who) ReadsAll() bool {
	switch w.Subject.Role {
	case access.OperatorAdmin, access.OperatorAnalyst, access.Evaluator:
		return !w.Subject.Suspended
	}
	return false
}

// Fills reports whether the person fills in and submits the reports of
// participant: its head, officers and commission members, or its system
// through the exchange.
func (w Who) Fills(participant string) bool {
	if w.Subject.Suspended || w.org() != participant || participant == "" {
		return false
	}
	switch w.Subject.Role {
	case access.OrgHead, access.OrgOfficer, access.CommissionMember, access.System:
		return true
	}
	return false
}

// Reads reports whether the person may read a participant's report.
func (w Who) Reads(participant string) bool { return w.ReadsAll() || w.Fills(participant) }

var (
	msgForbidden = i18n.T("Bu hesabata girişiniz yoxdur", "You have no access to this report", "У вас нет доступа к этому отчёту")
	msgOperator  = i18n.T("Bunu yalnız operatorun inzibatçısı edə bilər", "Only the operator's administrator may do this", "Это может сделать только администратор оператора")
	msgLocked    = i18n.T("Son tarix keçib; forma bağlıdır. Operator onu yenidən aça bilər", "The deadline has passed and the form is locked; the operator may reopen it",
		"Срок истёк, форма закрыта; оператор может открыть её снова")
	msgNotEditable = i18n.T("Hesabat təqdim olunub; geri qaytarılmayınca dəyişmək olmaz", "The report is submitted; it cannot change unless it is returned",
		"Отчёт представлен; изменить его можно только после возврата")
	msgNotSubmitted = i18n.T("Yalnız təqdim olunmuş hesabat qəbul və ya geri qaytarıla bilər", "Only a submitted report can be accepted or returned",
		"Принять или вернуть можно только представленный отчёт")
	msgBadRequest = i18n.T("Sorğuda səhvlər var", "The request has mistakes", "В запросе есть ошибки")
)

// Report is a participant's report for a year with its form, values and
// where it stands in time.
type Report struct {
	store.AnnualForm
	Form   *Form
	Values map[string]any
	// Today is the day in Baku the report was read on.
	Today string
	// Locked is set once the last day (the deadline, or the day the
	// operator reopened it until) has passed.
	Locked bool
	// DaysLeft counts the days from today to the deadline (0 on the day,
	// negative after it).
	DaysLeft int
	// Reminders are the days before the deadline reminders were sent at.
	Reminders []int
}

// Editable reports whether the report may be saved and submitted now.
func (r *Report) Editable() bool { return !r.Locked && (r.State == Draft || r.State == Returned) }

// LastDay is the last day the report may be submitted on.
func LastDay(f *store.AnnualForm) string { return max(f.Deadline, f.ReopenedUntil) }

// DefaultDeadline is 15 January of the year after the report's year.
func DefaultDeadline(year int) string { return fmt.Sprintf("%04d-01-15", year+1) }

func (s *Service) today() string { return category.Today(s.now()).String() }

func daysBetween(from, to string) int {
	a, err1 := category.ParseDate(from)
	b, err2 := category.ParseDate(to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

func (s *Service) report(f *store.AnnualForm) (*Report, error) {
	form, err := ParseForm([]byte(f.Definition))
	if err != nil {
		return nil, fault.E("annual.report", fmt.Errorf("stored form %d: %w", f.ID, err))
	}
	vals, err := DecodeValues(f.Answers)
	if err != nil {
		return nil, fault.E("annual.report", fmt.Errorf("stored answers of %d: %w", f.ID, err))
	}
	today := s.today()
	r := &Report{AnnualForm: *f, Form: form, Values: vals, Today: today, Locked: today > LastDay(f), DaysLeft: daysBetween(today, f.Deadline)}
	for _, e := range f.Events {
		var d int
		if _, err := fmt.Sscanf(e.What, "reminder_%d", &d); err == nil {
			r.Reminders = append(r.Reminders, d)
		}
	}
	return r, nil
}

// Report returns a participant's report for a year, to those who may read
// it.
func (s *Service) Report(ctx context.Context, who Who, year int, participant string) (*Report, error) {
	if !who.Reads(participant) {
		return nil, fault.E("annual.Report", fault.Forbidden, msgForbidden)
	}
	f, err := s.store.AnnualForm(ctx, year, participant)
	if err != nil {
		return nil, err
	}
	return s.report(f)
}

// Reports lists the reports a person may read: a year's (every year's when
// 0) for the operator's staff and the evaluator, their own organisation's
// for a participant.
func (s *Service) Reports(ctx context.Context, who Who, year int) ([]*Report, error) {
	org := ""
	if !who.ReadsAll() {
		org = who.org()
		if !who.Fills(org) {
			return nil, fault.E("annual.Reports", fault.Forbidden, msgForbidden)
		}
	}
	fs, err := s.store.AnnualForms(ctx, year, org)
	if err != nil {
		return nil, err
	}
	out := make([]*Report, 0, len(fs))
	for i := range fs {
		r, err := s.report(&fs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Define defines the year's form for each target — a participant's code,
// or "kind:participant" / "kind:commission" for every participant of a
// kind — with its deadline ("" for 15 January of the next year). Every
// mistake is named: the year, the deadline, each unknown target and each
// wrong field of the form; nothing is written then.
func (s *Service) Define(ctx context.Context, who Who, year int, targets []string, definition, deadline string) error {
	if !who.Operator() {
		return fault.E("annual.Define", fault.Forbidden, msgOperator)
	}
	var errs []fault.FieldError
	if year < 2000 || year > 2100 {
		errs = append(errs, fe("year", "year_invalid", i18n.T("İl 2000 ilə 2100 arasında olmalıdır", "The year must lie between 2000 and 2100", "Год должен быть между 2000 и 2100")))
	}
	if deadline == "" {
		deadline = DefaultDeadline(year)
	}
	if d, err := category.ParseDate(deadline); err != nil || d.String() != deadline {
		errs = append(errs, fe("deadline", "date_invalid", i18n.T("Son tarix İİİİ-AA-GG şəklində tarix olmalıdır", "The deadline must be a date, YYYY-MM-DD", "Срок должен быть датой ГГГГ-ММ-ДД")))
	} else if deadline <= fmt.Sprintf("%04d-12-31", year-1) {
		errs = append(errs, fe("deadline", "date_invalid", i18n.T("Son tarix hesabat ilindən əvvəl ola bilməz", "The deadline may not lie before the report's year", "Срок не может быть раньше года отчёта")))
	}
	form, err := ParseForm([]byte(definition))
	if err != nil {
		errs = append(errs, fault.FieldsOf(err)...)
	}
	all, err := s.store.Participants(ctx)
	if err != nil {
		return err
	}
	var codes []string
	for _, t := range targets {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		found := false
		for _, p := range all {
			if p.Kind == participant.KindOperator {
				continue
			}
			if p.Code == t || "kind:"+p.Kind == t {
				found = true
				if !slices.Contains(codes, p.Code) {
					codes = append(codes, p.Code)
				}
			}
		}
		if !found {
			errs = append(errs, fe("targets", "unknown_participant", tf("%q iştirakçı və ya iştirakçı növü deyil", "%q is not a participant or a kind of participant", "%q — не участник и не вид участников", t)))
		}
	}
	if len(targets) == 0 || (len(codes) == 0 && len(errs) == 0) {
		errs = append(errs, fe("targets", "required", i18n.T("Formanın kimin üçün olduğunu seçin", "Choose whom the form is for", "Выберите, для кого форма")))
	}
	if len(errs) > 0 {
		return fault.E("annual.Define", fault.Invalid, msgBadRequest, errs)
	}
	def := form.JSON()
	defs := make([]store.AnnualFormDef, len(codes))
	for i, c := range codes {
		defs[i] = store.AnnualFormDef{Participant: c, Definition: def, Deadline: deadline}
	}
	return s.store.PutAnnualForms(ctx, year, defs, who.Actor)
}

// editable loads a report the person fills in and checks it may change
// now.
func (s *Service) editable(ctx context.Context, who Who, year int, participant string) (*Report, error) {
	if !who.Fills(participant) {
		return nil, fault.E("annual.edit", fault.Forbidden, msgForbidden)
	}
	f, err := s.store.AnnualForm(ctx, year, participant)
	if err != nil {
		return nil, err
	}
	r, err := s.report(f)
	if err != nil {
		return nil, err
	}
	if r.State == Submitted || r.State == Accepted {
		return nil, fault.E("annual.edit", fault.Conflict, msgNotEditable, fe("state", "not_editable", msgNotEditable))
	}
	if r.Locked {
		return nil, fault.E("annual.edit", fault.Conflict, msgLocked, fe("deadline", "form_locked", msgLocked))
	}
	return r, nil
}

// SaveDraft keeps the values typed so far: each must be of its type and in
// its range, but required ones may still be empty.
func (s *Service) SaveDraft(ctx context.Context, who Who, year int, participant string, raw map[string]any) error {
	r, err := s.editable(ctx, who, year, participant)
	if err != nil {
		return err
	}
	vals, err := r.Form.CheckValues(raw, false)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(vals)
	answers := string(b)
	return s.store.UpdateAnnual(ctx, store.AnnualUpdate{FormID: r.ID, Version: r.Version, State: Draft, Answers: &answers,
		Event: "draft_saved", Actor: who.Actor})
}

// Signed is the document a participant signs: its report for a year.
type Signed struct {
	Participant string         `json:"participant"`
	Year        int            `json:"year"`
	Values      map[string]any `json:"values"`
}

// Prepare checks that the values are complete and right for submission
// and returns the exact bytes to sign.
func (s *Service) Prepare(ctx context.Context, who Who, year int, participant string, raw map[string]any) ([]byte, error) {
	r, err := s.editable(ctx, who, year, participant)
	if err != nil {
		return nil, err
	}
	vals, err := r.Form.CheckValues(raw, true)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Signed{Participant: participant, Year: year, Values: vals})
}

// Evidence is how a submission was signed and sent.
type Evidence struct {
	Signature     string // base64 of the DER detached CMS signature
	SignerSubject string
	ClientSubject string
	Via           string // exchange | e-cabinet
}

// Submit records a signed report: body is the signed document, already
// verified against its signature by the edge that received it. The
// values are checked as for submission; a report submitted after the
// deadline is marked late; a locked form refuses it.
func (s *Service) Submit(ctx context.Context, who Who, year int, participant string, body []byte, ev Evidence) error {
	var doc Signed
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || dec.More() {
		msg := "trailing data"
		if err != nil {
			msg = err.Error()
		}
		return fault.E("annual.Submit", fault.Invalid, msgBadRequest, fe("body", "malformed_json",
			tf("Gövdə hesabat deyil: %s", "The body is not a report: %s", "Тело — не отчёт: %s", msg)))
	}
	var errs []fault.FieldError
	if doc.Participant != participant {
		errs = append(errs, fe("participant", "participant_mismatch", tf("Hesabat %q üçün deyil", "The report is not %q's", "Отчёт не от %q", participant)))
	}
	if doc.Year != year {
		errs = append(errs, fe("year", "year_mismatch", tf("Hesabat %d ili üçün deyil", "The report is not for %d", "Отчёт не за %d год", year)))
	}
	if len(errs) > 0 {
		return fault.E("annual.Submit", fault.Invalid, msgBadRequest, errs)
	}
	r, err := s.editable(ctx, who, year, participant)
	if err != nil {
		return err
	}
	vals, err := r.Form.CheckValues(doc.Values, true)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(vals)
	answers := string(b)
	late := r.Today > r.Deadline
	return s.store.UpdateAnnual(ctx, store.AnnualUpdate{FormID: r.ID, Version: r.Version, State: Submitted, Answers: &answers,
		Submitted: true, SubmittedAt: s.now(), Late: late, Event: "submitted", Actor: who.Actor,
		Signed: &store.AnnualSigned{Body: string(body), Signature: ev.Signature, SignerSubject: ev.SignerSubject,
			ClientSubject: ev.ClientSubject, Via: ev.Via}})
}

// Decide accepts a submitted report, or returns it with comments (which
// are then required) for the participant to correct and submit again. The
// participant is told by e-mail.
func (s *Service) Decide(ctx context.Context, who Who, year int, participant string, accept bool, comment string) error {
	if !who.Operator() {
		return fault.E("annual.Decide", fault.Forbidden, msgOperator)
	}
	comment = strings.TrimSpace(comment)
	if !accept && comment == "" {
		return fault.E("annual.Decide", fault.Invalid, msgBadRequest, fe("comment", "required",
			i18n.T("Geri qaytarmanın səbəbini yazın", "Say why the report is returned", "Укажите причину возврата")))
	}
	if len([]rune(comment)) > 5000 {
		return fault.E("annual.Decide", fault.Invalid, msgBadRequest, fe("comment", "too_long",
			i18n.T("Şərh 5000 simvoldan uzundur", "The comment is longer than 5000 characters", "Комментарий длиннее 5000 символов")))
	}
	f, err := s.store.AnnualForm(ctx, year, participant)
	if err != nil {
		return err
	}
	if f.State != Submitted {
		return fault.E("annual.Decide", fault.Conflict, msgNotSubmitted, fe("state", "not_submitted", msgNotSubmitted))
	}
	state, event := Returned, "returned"
	if accept {
		state, event = Accepted, "accepted"
	}
	mails, err := s.mailTo(ctx, participant, mailDecision(year, accept, comment))
	if err != nil {
		return err
	}
	return s.store.UpdateAnnual(ctx, store.AnnualUpdate{FormID: f.ID, Version: f.Version, State: state, Event: event,
		Comment: comment, Actor: who.Actor, Mails: mails})
}

// Reopen lets a participant submit after the deadline, until a later day
// the operator sets; recorded with the reason.
func (s *Service) Reopen(ctx context.Context, who Who, year int, participant, until, comment string) error {
	if !who.Operator() {
		return fault.E("annual.Reopen", fault.Forbidden, msgOperator)
	}
	f, err := s.store.AnnualForm(ctx, year, participant)
	if err != nil {
		return err
	}
	d, perr := category.ParseDate(until)
	switch {
	case perr != nil || d.String() != until:
		return fault.E("annual.Reopen", fault.Invalid, msgBadRequest, fe("until", "date_invalid",
			i18n.T("Yeni son tarix İİİİ-AA-GG şəklində tarix olmalıdır", "The new last day must be a date, YYYY-MM-DD", "Новый срок должен быть датой ГГГГ-ММ-ДД")))
	case until < s.today() || until <= f.Deadline:
		return fault.E("annual.Reopen", fault.Invalid, msgBadRequest, fe("until", "date_too_early",
			i18n.T("Yeni son tarix bu gündən və ilkin son tarixdən sonra olmalıdır", "The new last day must be today or later, and after the deadline",
				"Новый срок должен быть не раньше сегодняшнего дня и позже исходного срока")))
	}
	if f.State == Accepted || f.State == Submitted {
		return fault.E("annual.Reopen", fault.Conflict, msgNotEditable, fe("state", "not_editable", msgNotEditable))
	}
	mails, err := s.mailTo(ctx, participant, mailReopened(year, until))
	if err != nil {
		return err
	}
	return s.store.UpdateAnnual(ctx, store.AnnualUpdate{FormID: f.ID, Version: f.Version, State: f.State, ReopenedUntil: &until,
		Event: "reopened", Comment: strings.TrimSpace(comment + " → " + until), Actor: who.Actor, Mails: mails})
}

// Measures returns the Data Bank's own figures for a participant's
// report — over its district for a commission, the country otherwise — as
// last computed, and when; they are computed now if they never were.
func (s *Service) Measures(ctx context.Context, year int, participant string) (map[string]int64, time.Time, error) {
	district := ""
	if participant != "" {
		p, err := s.store.Participant(ctx, participant)
		if err != nil {
			return nil, time.Time{}, err
		}
		if p.Kind == "commission" {
			district = p.District
		}
	}
	m, at, ok, err := s.store.StoredAnnualMeasures(ctx, year, district)
	if err != nil || ok {
		return m, at, err
	}
	if err := s.RefreshMeasures(ctx, year); err != nil {
		return nil, time.Time{}, err
	}
	m, at, _, err = s.store.StoredAnnualMeasures(ctx, year, district)
	return m, at, err
}

// RefreshMeasures computes a year's figures anew and keeps them.
func (s *Service) RefreshMeasures(ctx context.Context, year int) error {
	m, err := s.store.AnnualMeasures(ctx, year)
	if err != nil {
		return err
	}
	return s.store.PutAnnualMeasures(ctx, year, m)
}

// Evidence returns the signed version last submitted, to those who may
// read the report.
func (s *Service) Evidence(ctx context.Context, who Who, r *Report) (*store.AnnualSigned, error) {
	if !who.Reads(r.Participant) {
		return nil, fault.E("annual.Evidence", fault.Forbidden, msgForbidden)
	}
	if r.SignedID == 0 {
		return nil, fault.E("annual.Evidence", fault.NotFound, i18n.T("Hesabat hələ imzalanmayıb", "The report is not signed yet", "Отчёт ещё не подписан"))
	}
	return s.store.AnnualSignedVersion(ctx, r.SignedID)
}

func (s *Service) mailTo(ctx context.Context, participant string, l letter) ([]store.Mail, error) {
	to, err := s.store.ParticipantEmail(ctx, participant)
	if err != nil || to == "" {
		return nil, err
	}
	return []store.Mail{{To: to, Subject: l.subject, Body: l.body}}, nil
}

func mailDecision(year int, accept bool, comment string) letter {
	if accept {
		return letter{fmt.Sprintf("İllik hesabat %d qəbul olundu / Annual report %d accepted", year, year),
			fmt.Sprintf("%d-ci il üzrə illik hesabatınız qəbul olundu.\nYour annual report for %d was accepted.\n\n%s", year, year, comment)}
	}
	return letter{fmt.Sprintf("İllik hesabat %d geri qaytarıldı / Annual report %d returned", year, year),
		fmt.Sprintf("%d-ci il üzrə illik hesabatınız düzəliş üçün geri qaytarıldı.\nYour annual report for %d was returned for correction.\n\n%s", year, year, comment)}
}

func mailReopened(year int, until string) letter {
	return letter{fmt.Sprintf("İllik hesabat %d yenidən açıldı / Annual report %d reopened", year, year),
		fmt.Sprintf("%d-ci il üzrə illik hesabat forması %s tarixinədək yenidən açıldı.\nThe annual report form for %d is open again until %s.", year, until, year, until)}
}

// letter is an e-mail's subject and body.
type letter struct{ subject, body string }
