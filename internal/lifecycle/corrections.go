package lifecycle

import (
	"context"
	"encoding/json"
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
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
)

// Corrections handles people's requests to correct what the Data Bank
// holds about them or their child (§6.1.16, §8.1.2): the person proposes
// the right value, with a document; the operator approves or rejects it
// with a reason before a deadline; an approval records the correction as
// the operator's record of the same category, which the original sender
// sees in its feed and fixes at the source; the person follows the state.
type Corrections struct {
	store *store.Store
	now   func() time.Time
	// Days is the operator's deadline to decide, from the request.
	Days int
	// MaxFileBytes bounds the document.
	MaxFileBytes int64
}

// NewCorrections returns the service: 30 days to decide, documents of up
// to 10 MB.
func NewCorrections(st *store.Store, now func() time.Time) *Corrections {
	if now == nil {
		now = time.Now
	}
	return &Corrections{store: st, now: now, Days: 30, MaxFileBytes: 10 << 20}
}

// Person is who asks: their subject and FIN.
type Person struct {
	Subject access.Subject
	Actor   audit.Actor
}

// File is a document attached to a request.
type File struct {
	Name string
	Data []byte
}

var (
	msgNotYours     = i18n.T("Bu qeyd sizə və ya övladınıza aid deyil", "This record is not about you or your child", "Эта запись не о вас и не о вашем ребёнке")
	msgNoRecord     = i18n.T("Belə qüvvədə olan qeyd yoxdur", "There is no such record in force", "Такой действующей записи нет")
	msgSame         = i18n.T("Təklif olunan dəyər indiki ilə eynidir", "The proposed value is the same as the present one", "Предлагаемое значение совпадает с текущим")
	msgOperatorOnly = i18n.T("Düzəlişlər barədə yalnız operatorun administratoru qərar verir", "Only the operator's administrator decides on corrections", "Решения по исправлениям принимает только администратор оператора")
	msgReason       = i18n.T("Rədd etməyin səbəbini yazın", "Give the reason for the rejection", "Укажите причину отказа")
)

// Request files a person's request to correct a record of a child, with
// the proposed payload; every wrong field is named and nothing is stored.
func (c *Corrections) Request(ctx context.Context, who Person, childID, factID int64, proposed json.RawMessage, note string, file *File) (int64, error) {
	return c.RequestReply(ctx, who, childID, factID, proposed, note, file, "")
}

// RequestReply is Request with an e-mail address for the decision.
func (c *Corrections) RequestReply(ctx context.Context, who Person, childID, factID int64, proposed json.RawMessage, note string, file *File, replyEmail string) (int64, error) {
	f, err := c.store.FactByID(ctx, factID)
	if err != nil || f.ChildID != childID || !f.Current || f.Action != profile.Upsert {
		c.store.Audit(ctx, audit.Entry{Actor: who.Actor, Action: "correction.request", ChildID: childID, Outcome: "refused: no such record",
			Detail: fmt.Sprintf(`{"fact":%d}`, factID)})
		return 0, fault.E("lifecycle.Request", fault.NotFound, msgNoRecord)
	}
	cat, ok := category.Lookup(f.Category)
	if !ok {
		return 0, fault.E("lifecycle.Request", fault.NotFound, msgNoRecord)
	}
	sum, status, err := c.store.StoredSummary(ctx, childID)
	if err != nil {
		return 0, err
	}
	today := category.Today(c.now())
	child := access.Child{Region: sum.Region, District: sum.District, Status: status, FatherFIN: sum.FatherFIN, MotherFIN: sum.MotherFIN}
	// A parent about their child (by the one policy), or the person
	// about themselves.
	parent := who.Subject.Role == access.Parent && access.Decide(who.Subject, access.Read, cat, child, today).Allow
	if who.Subject.FIN == "" || !(parent || who.Subject.FIN == sum.FIN) {
		c.store.Audit(ctx, audit.Entry{Actor: who.Actor, Action: "correction.request", ChildID: childID, Category: f.Category, Outcome: "denied"})
		return 0, fault.E("lifecycle.Request", fault.Forbidden, msgNotYours)
	}
	var errs []fault.FieldError
	canon, _, err := cat.Canonical(proposed, category.Context{Today: today, BirthDate: sum.BirthDate, Effective: f.EffectiveDate}, "proposed")
	if err != nil {
		errs = append(errs, fault.FieldsOf(err)...)
	} else if string(canon) == string(f.Payload) {
		errs = append(errs, fault.FieldError{Field: "proposed", Code: "unchanged", Message: msgSame})
	}
	note = strings.TrimSpace(note)
	switch n := utf8.RuneCountInString(note); {
	case n == 0:
		errs = append(errs, category.Problem("note", "required"))
	case n > 2000:
		errs = append(errs, category.Problem("note", "too_long", 2000))
	}
	var fileName, fileType string
	var data []byte
	if file != nil && len(file.Data) > 0 {
		fileName = correspond.CleanName(file.Name)
		if int64(len(file.Data)) > c.MaxFileBytes {
			errs = append(errs, category.Problem("file", "file_too_large", fileName, c.MaxFileBytes>>20))
		} else if t, ok := correspond.FileType(fileName, file.Data); !ok {
			errs = append(errs, category.Problem("file", "file_type", fileName))
		} else {
			fileType, data = t, file.Data
		}
	}
	if e := strings.TrimSpace(replyEmail); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			errs = append(errs, fault.FieldError{Field: "reply_email", Code: "email_format", Message: msgEmail})
		}
		replyEmail = e
	}
	if len(errs) > 0 {
		c.store.Audit(ctx, audit.Entry{Actor: who.Actor, Action: "correction.request", ChildID: childID, Category: f.Category, Outcome: "refused"})
		return 0, fault.E("lifecycle.Request", fault.Invalid, errs)
	}
	return c.store.RequestCorrection(ctx, store.Correction{RequesterFIN: who.Subject.FIN, ChildID: childID, FactID: factID,
		Category: f.Category, Proposed: canon, Note: note, FileName: fileName, FileType: fileType,
		Due: c.now().AddDate(0, 0, c.Days), ReplyEmail: replyEmail}, data, who.Actor)
}

// Decide records the operator's decision: approval records the
// correction; rejection needs a reason.
func (c *Corrections) Decide(ctx context.Context, who Person, id int64, approve bool, reason string) error {
	if who.Subject.Role != access.OperatorAdmin || who.Subject.Suspended {
		return fault.E("lifecycle.Decide", fault.Forbidden, msgOperatorOnly)
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return fault.E("lifecycle.Decide", fault.Invalid, fault.FieldError{Field: "reason", Code: "required", Message: msgReason})
	}
	return c.store.DecideCorrection(ctx, id, approve, reason, who.Actor)
}
