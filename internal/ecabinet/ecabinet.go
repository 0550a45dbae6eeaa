// Package ecabinet is the people's side of the Data Bank: e-cabinets
// created at first login, the staff an organisation's head registers and
// the rights it grants them, and who a logged-in person is when the access
// policy judges a request.
package ecabinet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/azid"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/store"
)

// Service manages e-cabinets.
type Service struct {
	store *store.Store
}

// New returns the e-cabinet service.
func New(st *store.Store) *Service { return &Service{store: st} }

// Cabinet is a person's e-cabinet and the capacities they may act in.
type Cabinet struct {
	Person *store.Person     `json:"person"`
	Roles  []store.StaffRole `json:"roles"`
}

// Login opens (at the first login, creates) the e-cabinet of the person
// the single sign-on vouched for; it is audited.
func (s *Service) Login(ctx context.Context, fin, name string) (*Cabinet, error) {
	if _, _, err := s.store.Login(ctx, fin, name, audit.Actor{Kind: audit.Person, ID: fin}); err != nil {
		return nil, err
	}
	return s.Cabinet(ctx, fin)
}

// Cabinet returns a person's e-cabinet.
func (s *Service) Cabinet(ctx context.Context, fin string) (*Cabinet, error) {
	p, err := s.store.Person(ctx, fin)
	if err != nil {
		return nil, err
	}
	roles, err := s.store.StaffRoles(ctx, fin)
	if err != nil {
		return nil, err
	}
	return &Cabinet{Person: p, Roles: roles}, nil
}

var (
	// ErrSuspended means the person's or the organisation's access was
	// restricted or revoked.
	ErrSuspended = errors.New("access suspended")
	msgSuspended = i18n.T("Girişiniz operator tərəfindən dayandırılıb", "Your access has been suspended by the operator", "Ваш доступ приостановлен оператором")
	msgNotStaff  = i18n.T("Siz bu qurumun məsul şəxsi kimi qeydiyyatda deyilsiniz; qurumun rəhbərinə müraciət edin",
		"You are not registered as a responsible person of this organisation; ask its head",
		"Вы не зарегистрированы как ответственное лицо этой организации; обратитесь к её руководителю")
)

// Subject returns who a person is when acting for org ("" as a natural
// person), as the access policy sees it. It is read afresh on every
// request, so that a suspension, a withdrawn registration or a revoked
// grant takes effect at once, live sessions included.
func (s *Service) Subject(ctx context.Context, fin, org string) (access.Subject, error) {
	p, err := s.store.Person(ctx, fin)
	if err != nil {
		return access.Subject{}, err
	}
	if p.Suspended {
		return access.Subject{}, fault.E("ecabinet.Subject", fault.Forbidden, ErrSuspended, msgSuspended)
	}
	if org == "" {
		return access.Subject{Role: access.Parent, FIN: fin}, nil
	}
	roles, err := s.store.StaffRoles(ctx, fin)
	if err != nil {
		return access.Subject{}, err
	}
	i := slices.IndexFunc(roles, func(r store.StaffRole) bool { return r.Org == org })
	if i < 0 {
		return access.Subject{}, fault.E("ecabinet.Subject", fault.Forbidden, msgNotStaff, fmt.Errorf("not registered with %s", org))
	}
	sub := access.Subject{Role: roles[i].Role, FIN: fin}
	if part, err := s.store.Participant(ctx, org); err == nil {
		if !part.Active {
			return access.Subject{}, fault.E("ecabinet.Subject", fault.Forbidden, ErrSuspended, msgSuspended)
		}
		sub.Org = part
	} else if !fault.Is(err, fault.NotFound) {
		return access.Subject{}, err
	}
	if sub.Grants, err = s.store.Grants(ctx, org, fin); err != nil {
		return access.Subject{}, err
	}
	return sub, nil
}

// allRoles are the roles a person may be registered in.
var allRoles = []access.Role{access.OperatorAdmin, access.OperatorAnalyst, access.OrgHead, access.OrgOfficer,
	access.CommissionMember, access.Evaluator, access.Auditor}

// staffRoles are the roles a head may give its own staff.
var staffRoles = []access.Role{access.OrgOfficer, access.CommissionMember}

var msgOnlyHead = i18n.T("Bunu yalnız qurumun rəhbəri və ya operatorun administratoru edə bilər",
	"Only the organisation's head or the operator's administrator may do this",
	"Это может сделать только руководитель организации или администратор оператора")

// mayManage reports whether by may register staff of org and grant them
// rights: the operator's administrator for any organisation, a head for
// its own.
func mayManage(by access.Subject, org string) bool {
	switch by.Role {
	case access.OperatorAdmin:
		return true
	case access.OrgHead:
		return by.Org != nil && by.Org.Code == org
	}
	return false
}

// Register registers a person, by FIN, as staff of org in a role. Heads
// register officers and commission members of their own organisation;
// the operator's administrator registers anyone, heads included.
func (s *Service) Register(ctx context.Context, by access.Subject, actor audit.Actor, org, fin string, role access.Role) error {
	if !mayManage(by, org) || (by.Role == access.OrgHead && !slices.Contains(staffRoles, role)) {
		return fault.E("ecabinet.Register", fault.Forbidden, msgOnlyHead)
	}
	norm, ok := azid.FIN(fin)
	if !ok {
		return fault.E("ecabinet.Register", fault.Invalid, category.Problem("fin", "fin_format"))
	}
	if !slices.Contains(allRoles, role) {
		return fault.E("ecabinet.Register", fault.Invalid, fmt.Errorf("unknown role %q", role))
	}
	return s.store.RegisterStaff(ctx, org, norm, role, actor)
}

// Grant gives staff of org a right; only its head or the operator's
// administrator may, and only within what the organisation itself may do.
func (s *Service) Grant(ctx context.Context, by access.Subject, actor audit.Actor, org, fin string, g access.Grant) error {
	if !mayManage(by, org) {
		return fault.E("ecabinet.Grant", fault.Forbidden, msgOnlyHead)
	}
	c, ok := category.Lookup(g.Category)
	if !ok {
		return fault.E("ecabinet.Grant", fault.Invalid, category.Problem("category", "unknown_category"))
	}
	part, err := s.store.Participant(ctx, org)
	if err != nil {
		return err
	}
	if (g.Read && !part.MayRead(c)) || (g.Write && !part.MaySend(c)) || (!g.Read && !g.Write) {
		return fault.E("ecabinet.Grant", fault.Invalid, category.Problem("category", "forbidden_category"))
	}
	return s.store.Grant(ctx, org, fin, g, actor)
}

// Children lists a natural person's children: those whose profile names
// the person as father or mother.
func (s *Service) Children(ctx context.Context, fin string) ([]store.Match, error) {
	return s.store.ChildrenOf(ctx, fin)
}

// Access is one read of a child's data, as the child's parent sees it.
type Access struct {
	At           time.Time `json:"at"`
	Organisation string    `json:"organisation"`
	Kind         string    `json:"kind"` // participant (a system) or person
	Action       string    `json:"action"`
	Purpose      string    `json:"purpose,omitempty"`
}

// readActions are the audit actions that read a child's data.
var readActions = []string{"profile.read", "profile.history"}

var msgNotYourChild = i18n.T("Bu uşaq sizin övladınız kimi qeydə alınmayıb", "This child is not recorded as yours", "Этот ребёнок не записан как ваш")

// AccessLog tells a parent which organisations read their child's data,
// when and for what purpose. Reads a law-enforcement body marked
// restricted appear only once delay has passed since them.
func (s *Service) AccessLog(ctx context.Context, parentFIN string, childID int64, now time.Time, delay time.Duration) ([]Access, error) {
	sum, _, err := s.store.StoredSummary(ctx, childID)
	if err != nil {
		return nil, err
	}
	if parentFIN == "" || (sum.FatherFIN != parentFIN && sum.MotherFIN != parentFIN) {
		return nil, fault.E("ecabinet.AccessLog", fault.NotFound, msgNotYourChild)
	}
	out := []Access{}
	for _, action := range readActions {
		es, err := s.store.AuditEntries(ctx, store.AuditFilter{ChildID: childID, Action: action, Limit: 5000})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if e.Outcome != "allowed" || e.Actor.ID == parentFIN {
				continue
			}
			var d struct {
				Purpose    string `json:"purpose"`
				Restricted string `json:"restricted"`
			}
			json.Unmarshal([]byte(e.Detail), &d)
			if d.Restricted == "true" && now.Sub(e.At) < delay {
				continue
			}
			org := e.Actor.Org
			if e.Actor.Kind == audit.Participant {
				org = e.Actor.ID
			}
			out = append(out, Access{At: e.At, Organisation: org, Kind: e.Actor.Kind, Action: action, Purpose: d.Purpose})
		}
	}
	slices.SortFunc(out, func(a, b Access) int { return b.At.Compare(a.At) })
	return out, nil
}

// Remove withdraws a person's registration with org, and their grants.
func (s *Service) Remove(ctx context.Context, by access.Subject, actor audit.Actor, org, fin string) error {
	if !mayManage(by, org) {
		return fault.E("ecabinet.Remove", fault.Forbidden, msgOnlyHead)
	}
	return s.store.RemoveStaff(ctx, org, fin, actor)
}

// Revoke withdraws a person's grants of a category in org.
func (s *Service) Revoke(ctx context.Context, by access.Subject, actor audit.Actor, org, fin, cat string) error {
	if !mayManage(by, org) {
		return fault.E("ecabinet.Revoke", fault.Forbidden, msgOnlyHead)
	}
	return s.store.RevokeGrants(ctx, org, fin, cat, actor)
}

var msgOnlyOperator = i18n.T("Bunu yalnız operatorun administratoru edə bilər", "Only the operator's administrator may do this", "Это может сделать только администратор оператора")

// Suspend restricts (or restores) the access of a person, or of an
// organisation when org is set, with a reason; only the operator's
// administrator may (§6.2.6). It takes effect at the next request.
func (s *Service) Suspend(ctx context.Context, by access.Subject, actor audit.Actor, fin, org string, suspend bool, reason string) error {
	if by.Role != access.OperatorAdmin {
		return fault.E("ecabinet.Suspend", fault.Forbidden, msgOnlyOperator)
	}
	if org != "" {
		return s.store.SetActive(ctx, org, !suspend, reason, actor)
	}
	return s.store.SuspendPerson(ctx, fin, suspend, reason, actor)
}

// MayAudit reports whether a subject may read the audit log: the
// operator's administrators, the security service's auditors, and the
// evaluator, whose read-only view covers the whole admin panel (§6.1.4).
func MayAudit(s access.Subject) bool {
	return s.Role == access.OperatorAdmin || s.Role == access.Auditor || s.Role == access.Evaluator
}

// ViewAudit returns audit entries to those MayAudit lets read them, and
// records the viewing itself.
func (s *Service) ViewAudit(ctx context.Context, by access.Subject, actor audit.Actor, f store.AuditFilter) ([]audit.Entry, error) {
	if !MayAudit(by) {
		return nil, fault.E("ecabinet.ViewAudit", fault.Forbidden, msgNoAudit)
	}
	entries, err := s.store.AuditEntries(ctx, f)
	if err != nil {
		return nil, err
	}
	detail, _ := json.Marshal(map[string]any{"filter": f, "entries": len(entries)})
	if err := s.store.Audit(ctx, audit.Entry{Actor: actor, Action: "audit.view", Outcome: "read", Detail: string(detail)}); err != nil {
		return nil, err
	}
	return entries, nil
}

var msgNoAudit = i18n.T("Audit jurnalını yalnız operatorun administratoru və təhlükəsizlik xidmətinin auditoru görə bilər",
	"Only the operator's administrators and the security service's auditors may read the audit log",
	"Журнал аудита могут читать только администраторы оператора и аудиторы службы безопасности")

// MayAdminister reports whether a subject may see the admin panel, and
// whether it may change it: the operator's administrators change it, the
// evaluators of the Ministry of Digital Development only look (§6.1.4).
func MayAdminister(s access.Subject) (see, change bool) {
	switch s.Role {
	case access.OperatorAdmin:
		return true, true
	case access.Evaluator:
		return true, false
	}
	return false, false
}

// SetRights changes what an organisation may send or read (§6.2.5); only
// the operator's administrator may.
func (s *Service) SetRights(ctx context.Context, by access.Subject, actor audit.Actor, org, accessKind string, cats []string) error {
	if _, change := MayAdminister(by); !change {
		return fault.E("ecabinet.SetRights", fault.Forbidden, msgOnlyOperator)
	}
	for _, c := range cats {
		if _, ok := category.Lookup(c); !ok {
			return fault.E("ecabinet.SetRights", fault.Invalid, category.Problem("category", "unknown_category"))
		}
	}
	return s.store.SetRights(ctx, org, accessKind, cats, actor)
}
