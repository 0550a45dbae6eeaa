// Package access is the Data Bank's one access policy: a single function
// decides every read and write of a child's data — from the web, the
// exchange API or the command line — over who asks (role, organisation,
// grants, region), what they ask for (category and its sensitivity class)
// and the child's state. It denies by default.
package access

import (
	"slices"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/participant"
)

// Action is what a subject wants to do with a category of a child's data.
type Action string

// The actions.
const (
	Read  Action = "read"
	Write Action = "write"
)

// Role is the capacity a subject acts in.
type Role string

// The roles (regulation §5.2, §6.1.4, §6.2.6, §8.1.2).
const (
	// System is a participant's information system, through the exchange.
	System Role = "system"
	// OperatorAdmin administers the Data Bank for the State Committee.
	OperatorAdmin Role = "operator_admin"
	// OperatorAnalyst prepares reports for the State Committee.
	OperatorAnalyst Role = "operator_analyst"
	// OrgHead heads a participant and grants its staff their rights.
	OrgHead Role = "org_head"
	// OrgOfficer is a participant's responsible person, with grants.
	OrgOfficer Role = "org_officer"
	// CommissionMember is a member of a district commission, with grants.
	CommissionMember Role = "commission_member"
	// Evaluator evaluates the system for the Ministry of Digital
	// Development: read only (§6.1.4).
	Evaluator Role = "evaluator"
	// Auditor audits for the security service: the audit log, no child
	// data.
	Auditor Role = "auditor"
	// Parent is a natural person: their own children's profiles only.
	Parent Role = "parent"
)

// Grant is a right a head gave one of its responsible persons: read
// and/or write one category, optionally only in a region or district, and
// optionally until a date.
type Grant struct {
	Category string        `json:"category"`
	Read     bool          `json:"read"`
	Write    bool          `json:"write"`
	Region   string        `json:"region,omitempty"`
	District string        `json:"district,omitempty"`
	Until    category.Date `json:"until,omitzero"`
}

// Subject is who asks.
type Subject struct {
	Role Role
	// Org is the organisation the subject acts for, with its competence
	// and read rights; nil for parents, evaluators and auditors.
	Org *participant.Participant
	// FIN is a person's FIN.
	FIN string
	// Grants are a responsible person's grants.
	Grants []Grant
	// Suspended is set when the operator restricted or revoked the
	// person's or the organisation's access (§6.2.6).
	Suspended bool
}

// Child is what the policy needs to know of the child.
type Child struct {
	Region, District string
	// Status is active, deceased or archived.
	Status               string
	FatherFIN, MotherFIN string
	// For an archived profile: the participants that sent data about the
	// child, and the last day they may still read it (§1.8, staged access:
	// the senders for a year, then the operator only).
	SentBy       []string
	SendersUntil category.Date
}

// Decision is the policy's answer.
type Decision struct {
	Allow bool
	// Reason is a stable code saying why a request is denied.
	Reason string
	// NeedsPurpose is set when a person may read only after stating a
	// purpose: the sensitive classes (health, justice, care).
	NeedsPurpose bool
}

// Reasons of a denial.
const (
	ReasonSuspended      = "suspended"
	ReasonArchived       = "archived"
	ReasonReadOnly       = "read_only_role"
	ReasonCompetence     = "outside_competence"
	ReasonNoReadRight    = "no_read_right"
	ReasonNoGrant        = "no_grant"
	ReasonRegion         = "outside_region"
	ReasonNotYourChild   = "not_your_child"
	ReasonSensitive      = "sensitive_class"
	ReasonNoChildData    = "no_child_data"
	ReasonUnknownSubject = "unknown_subject"
	ReasonNotMember      = "not_member"
	ReasonChildUnread    = "child_not_readable"
)

func deny(reason string) Decision { return Decision{Reason: reason} }

// Decide decides whether subject s may do action a on category c of a
// child, on date today.
func Decide(s Subject, a Action, c *category.Category, child Child, today category.Date) Decision {
	if s.Suspended || (s.Org != nil && !s.Org.Active) {
		return deny(ReasonSuspended)
	}
	// An archived profile is read-only. The operator reads it; the
	// participants that sent data about the child read it, within their
	// usual rights and with a stated purpose, until SendersUntil; then
	// nobody else.
	if child.Status == "archived" {
		switch {
		case a == Write:
			return deny(ReasonArchived)
		case s.Role == OperatorAdmin:
		case s.Org != nil && slices.Contains(child.SentBy, s.Org.Code) && !child.SendersUntil.IsZero() &&
			!today.After(child.SendersUntil) && s.Role != Parent:
			d := decide(s, a, c, child, today)
			if d.Allow {
				d.NeedsPurpose = true
			}
			return d
		default:
			return deny(ReasonArchived)
		}
	}
	d := decide(s, a, c, child, today)
	if d.Allow && a == Read && c.Class.Sensitive() && s.Role != System && s.Role != Parent {
		d.NeedsPurpose = true
	}
	return d
}

func decide(s Subject, a Action, c *category.Category, child Child, today category.Date) Decision {
	switch s.Role {
	case System, OrgHead:
		if s.Org == nil {
			return deny(ReasonUnknownSubject)
		}
		if d := orgRight(s.Org, a, c); !d.Allow {
			return d
		}
		return inDistrict(s.Org, child)
	case OrgOfficer, CommissionMember:
		if s.Org == nil {
			return deny(ReasonUnknownSubject)
		}
		if d := orgRight(s.Org, a, c); !d.Allow {
			return d
		}
		if d := inDistrict(s.Org, child); !d.Allow {
			return d
		}
		return granted(s.Grants, a, c, child, today)
	case OperatorAdmin:
		if a == Write {
			if s.Org == nil {
				return deny(ReasonUnknownSubject)
			}
			return orgRight(s.Org, a, c)
		}
		return Decision{Allow: true}
	case OperatorAnalyst, Evaluator:
		if a == Write {
			return deny(ReasonReadOnly)
		}
		if c.Class.Sensitive() {
			return deny(ReasonSensitive)
		}
		return Decision{Allow: true}
	case Auditor:
		return deny(ReasonNoChildData)
	case Parent:
		if a == Write {
			return deny(ReasonReadOnly)
		}
		if s.FIN == "" || (s.FIN != child.FatherFIN && s.FIN != child.MotherFIN) {
			return deny(ReasonNotYourChild)
		}
		return Decision{Allow: true}
	}
	return deny(ReasonUnknownSubject)
}

// orgRight checks the organisation's competence (write) or read rights.
func orgRight(o *participant.Participant, a Action, c *category.Category) Decision {
	switch {
	case a == Write && !o.MaySend(c):
		return deny(ReasonCompetence)
	case a == Read && !o.MayRead(c):
		return deny(ReasonNoReadRight)
	}
	return Decision{Allow: true}
}

// inDistrict keeps a district commission to the children of its district;
// a child whose district is not known yet is within reach.
func inDistrict(o *participant.Participant, child Child) Decision {
	if o.Kind == participant.KindCommission && child.District != "" && child.District != o.District {
		return deny(ReasonRegion)
	}
	return Decision{Allow: true}
}

// granted checks a person's grants.
func granted(grants []Grant, a Action, c *category.Category, child Child, today category.Date) Decision {
	region := false
	for _, g := range grants {
		if g.Category != c.Code || (a == Read && !g.Read) || (a == Write && !g.Write) {
			continue
		}
		if !g.Until.IsZero() && g.Until.Before(today) {
			continue
		}
		if (g.Region != "" && g.Region != child.Region) || (g.District != "" && g.District != child.District) {
			region = true
			continue
		}
		return Decision{Allow: true}
	}
	if region {
		return deny(ReasonRegion)
	}
	return deny(ReasonNoGrant)
}

// Categories returns the categories subject s may read of a child, and
// those it may read only with a stated purpose.
func Categories(s Subject, child Child, today category.Date) (allowed, needPurpose []*category.Category) {
	for _, c := range category.All() {
		d := Decide(s, Read, c, child, today)
		switch {
		case d.Allow && d.NeedsPurpose:
			needPurpose = append(needPurpose, c)
		case d.Allow:
			allowed = append(allowed, c)
		}
	}
	return allowed, needPurpose
}

// Correspond decides whether subject s may see and write in a
// correspondence thread (regulation §3.2.1) whose members are the given
// organisations, about child (nil for a general thread). Threads are
// between organisations: the subject's organisation must be a member. A
// thread about a child is moreover seen only by those who may read the
// child: the organisation by its read rights (and a commission in its
// district), and a responsible person by a grant to read some category of
// the child.
func Correspond(s Subject, members []string, child *Child, today category.Date) Decision {
	if s.Suspended || (s.Org != nil && !s.Org.Active) {
		return deny(ReasonSuspended)
	}
	switch s.Role {
	case System, OrgHead, OrgOfficer, CommissionMember, OperatorAdmin:
	default:
		return deny(ReasonNotMember)
	}
	if s.Org == nil {
		return deny(ReasonUnknownSubject)
	}
	if !slices.Contains(members, s.Org.Code) {
		return deny(ReasonNotMember)
	}
	if child == nil {
		return Decision{Allow: true}
	}
	if child.Status == "archived" && s.Role != OperatorAdmin {
		return deny(ReasonArchived)
	}
	if s.Role == OperatorAdmin {
		return Decision{Allow: true}
	}
	if d := Join(s.Org, child); !d.Allow {
		return d
	}
	if s.Role == OrgOfficer || s.Role == CommissionMember {
		for _, c := range category.All() {
			if s.Org.MayRead(c) && granted(s.Grants, Read, c, *child, today).Allow {
				return Decision{Allow: true}
			}
		}
		return deny(ReasonNoGrant)
	}
	return Decision{Allow: true}
}

// Join decides whether an organisation may be a member of a thread about
// child (nil for a general thread): it must be active and, for a child,
// able to read something of the child.
func Join(o *participant.Participant, child *Child) Decision {
	if !o.Active {
		return deny(ReasonSuspended)
	}
	if child == nil || o.Code == category.OrgOperator {
		return Decision{Allow: true}
	}
	if len(o.Read) == 0 {
		return deny(ReasonChildUnread)
	}
	return inDistrict(o, *child)
}
