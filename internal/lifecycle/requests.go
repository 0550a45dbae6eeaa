package lifecycle

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/params"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
)

// The kinds of request.
const (
	ErrorReport = "error_report" // a participant: a record is wrong (§7.1.6)
	Appeal      = "appeal"       // a person, through the e-cabinet (§8.1.3–8.1.6)
	Proposal    = "proposal"
	Complaint   = "complaint"
	OrgRequest  = "org_request" // a participant to the operator (§7.2.1, §6.1.18)
)

// Requests are what the operator answers, each within a number of working
// days, with a history: participants' error reports and requests, people's
// appeals, proposals and complaints. Answers are told in the e-cabinet and
// by e-mail (see Mailer).
type Requests struct {
	store *store.Store
	now   func() time.Time
	// MaxFileBytes bounds an attachment.
	MaxFileBytes int64
}

// NewRequests returns the service.
func NewRequests(st *store.Store, now func() time.Time) *Requests {
	if now == nil {
		now = time.Now
	}
	return &Requests{store: st, now: now, MaxFileBytes: 10 << 20}
}

// NewRequest is what a request says.
type NewRequest struct {
	Kind       string
	Subject    string
	Body       string
	ReplyEmail string
	ChildID    int64 // the child concerned, if any
	FactID     int64 // the record reported wrong
	File       *File
}

var (
	msgKind      = i18n.T("Bu növ müraciəti siz göndərə bilməzsiniz", "You may not send this kind of request", "Вы не можете отправить этот вид обращения")
	msgEmail     = i18n.T("E-poçt ünvanı düzgün deyil", "Not an e-mail address", "Неверный адрес электронной почты")
	msgNotOwn    = i18n.T("Bu uşaq sizin övladınız deyil", "This child is not yours", "Это не ваш ребёнок")
	msgNoRead    = i18n.T("Bu qeydi oxumağa icazəniz yoxdur", "You may not read this record", "Вам не разрешено читать эту запись")
	msgAnswer    = i18n.T("Cavabı yazın", "Write the answer", "Напишите ответ")
	msgAnswering = i18n.T("Müraciətlərə yalnız operatorun administratoru cavab verir", "Only the operator's administrator answers requests", "На обращения отвечает только администратор оператора")
)

// Submit files a request; every wrong field is named, a refusal is
// audited, and nothing is stored.
func (q *Requests) Submit(ctx context.Context, who Person, in NewRequest) (int64, error) {
	refuse := func(kind fault.Kind, args ...any) (int64, error) {
		q.store.Audit(ctx, audit.Entry{Actor: who.Actor, Action: "request." + in.Kind, ChildID: in.ChildID, Outcome: "refused"})
		return 0, fault.E("lifecycle.Submit", append([]any{kind}, args...)...)
	}
	staff := who.Subject.Org != nil && (who.Subject.Role == access.OrgHead || who.Subject.Role == access.OrgOfficer ||
		who.Subject.Role == access.CommissionMember || who.Subject.Role == access.System)
	switch in.Kind {
	case ErrorReport, OrgRequest:
		if !staff {
			return refuse(fault.Forbidden, msgKind)
		}
	case Appeal, Proposal, Complaint:
		if who.Subject.Role != access.Parent {
			return refuse(fault.Forbidden, msgKind)
		}
	default:
		return refuse(fault.Invalid, category.Problem("kind", "one_of", "error_report, appeal, proposal, complaint, org_request"))
	}
	today := category.Today(q.now())
	r := store.Request{Kind: in.Kind, FromFIN: who.Subject.FIN, ChildID: in.ChildID}
	if who.Subject.Org != nil {
		r.FromOrg = who.Subject.Org.Code
	}
	var errs []fault.FieldError
	if in.Kind == ErrorReport {
		f, err := q.store.FactByID(ctx, in.FactID)
		if err != nil || !f.Current || f.Action != profile.Upsert {
			return refuse(fault.NotFound, msgNoRecord)
		}
		cat, _ := category.Lookup(f.Category)
		sum, status, err := q.store.StoredSummary(ctx, f.ChildID)
		if err != nil {
			return 0, err
		}
		child := access.Child{Region: sum.Region, District: sum.District, Status: status, FatherFIN: sum.FatherFIN, MotherFIN: sum.MotherFIN}
		if cat == nil || !access.Decide(who.Subject, access.Read, cat, child, today).Allow {
			return refuse(fault.Forbidden, msgNoRead)
		}
		r.ChildID, r.FactID, r.FactSender = f.ChildID, f.ID, f.Sender
		if strings.TrimSpace(in.Subject) == "" {
			in.Subject = cat.Title.AZ
		}
	} else if in.ChildID != 0 && in.Kind != OrgRequest {
		sum, status, err := q.store.StoredSummary(ctx, in.ChildID)
		if err != nil {
			return refuse(fault.NotFound, msgNotOwn)
		}
		child := access.Child{Region: sum.Region, District: sum.District, Status: status, FatherFIN: sum.FatherFIN, MotherFIN: sum.MotherFIN}
		if !access.Decide(who.Subject, access.Read, category.CatBirthRegistration, child, today).Allow {
			return refuse(fault.Forbidden, msgNotOwn)
		}
	}
	r.Subject, r.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	for _, t := range []struct {
		field, v string
		max      int
	}{{"subject", r.Subject, 200}, {"body", r.Body, 5000}} {
		switch n := utf8.RuneCountInString(t.v); {
		case n == 0:
			errs = append(errs, category.Problem(t.field, "required"))
		case n > t.max:
			errs = append(errs, category.Problem(t.field, "too_long", t.max))
		}
	}
	if e := strings.TrimSpace(in.ReplyEmail); e != "" {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e {
			errs = append(errs, fault.FieldError{Field: "reply_email", Code: "email_format", Message: msgEmail})
		}
		r.ReplyEmail = e
	}
	var data []byte
	if in.File != nil && len(in.File.Data) > 0 {
		r.FileName = correspond.CleanName(in.File.Name)
		if int64(len(in.File.Data)) > q.MaxFileBytes {
			errs = append(errs, category.Problem("file", "file_too_large", r.FileName, q.MaxFileBytes>>20))
		} else if t, ok := correspond.FileType(r.FileName, in.File.Data); !ok {
			errs = append(errs, category.Problem("file", "file_type", r.FileName))
		} else {
			r.FileType, data = t, in.File.Data
		}
	}
	if len(errs) > 0 {
		return refuse(fault.Invalid, errs)
	}
	days, err := q.workingDays(ctx)
	if err != nil {
		return 0, err
	}
	hs, err := Holidays(ctx, q.store, today.Year, today.Year+1)
	if err != nil {
		return 0, err
	}
	r.DueOn = NewCalendar(hs).AddWorkingDays(today, days).String()
	operator, err := q.store.ParticipantEmail(ctx, category.OrgOperator)
	if err != nil {
		return 0, err
	}
	mails := []store.Mail{{To: operator, Subject: fmt.Sprintf("[Data Bank] new %s: %s", strings.ReplaceAll(in.Kind, "_", " "), r.Subject),
		Body: fmt.Sprintf("A new %s is waiting for an answer by %s.\n\nOpen the Data Bank's admin panel: /admin/requests\n",
			strings.ReplaceAll(in.Kind, "_", " "), r.DueOn)}}
	return q.store.FileRequest(ctx, r, data, mails, who.Actor)
}

func (q *Requests) workingDays(ctx context.Context) (int, error) {
	set, err := q.store.Parameters(ctx)
	if err != nil {
		return 0, err
	}
	return params.Values(set).Get(params.AppealWorkingDays), nil
}

// Answer records the operator's answer and tells, by e-mail, the one who
// asked (when they gave an address) and, for an error report, the
// organisation that reported and the one that sent the record; both see
// it in their e-cabinets too.
func (q *Requests) Answer(ctx context.Context, who Person, id int64, text string) error {
	if who.Subject.Role != access.OperatorAdmin || who.Subject.Suspended {
		return fault.E("lifecycle.Answer", fault.Forbidden, msgAnswering)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return fault.E("lifecycle.Answer", fault.Invalid, fault.FieldError{Field: "answer", Code: "required", Message: msgAnswer})
	}
	r, err := q.store.RequestByID(ctx, id)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("[Data Bank] answer to your %s: %s", strings.ReplaceAll(r.Kind, "_", " "), r.Subject)
	body := fmt.Sprintf("The operator answered:\n\n%s\n\nSee it in your e-cabinet: /requests\n", text)
	mails := []store.Mail{{To: r.ReplyEmail, Subject: subject, Body: body}}
	if r.Kind == ErrorReport || r.Kind == OrgRequest {
		for _, org := range []string{r.FromOrg, r.FactSender} {
			if org == "" {
				continue
			}
			email, err := q.store.ParticipantEmail(ctx, org)
			if err != nil {
				return err
			}
			mails = append(mails, store.Mail{To: email, Subject: subject, Body: body})
		}
	}
	return q.store.AnswerRequest(ctx, id, text, dedupe(mails), who.Actor)
}

func dedupe(ms []store.Mail) []store.Mail {
	seen := map[string]bool{}
	var out []store.Mail
	for _, m := range ms {
		if m.To != "" && !seen[m.To] {
			seen[m.To] = true
			out = append(out, m)
		}
	}
	return out
}
