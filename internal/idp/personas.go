package idp

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// The roles the default personas hold (the Data Bank's access roles).
const (
	RoleOperatorAdmin    = "operator_admin"
	RoleOperatorAnalyst  = "operator_analyst"
	RoleOrgHead          = "org_head"
	RoleOrgOfficer       = "org_officer"
	RoleCommissionMember = "commission_member"
	RoleEvaluator        = "evaluator"
	RoleAuditor          = "auditor"
	RoleParent           = "parent"
)

// defaultOrg is a participant with the two letters its default personas'
// FINs carry and the names of its head and officer.
type defaultOrg struct {
	code, letters, head, officer string
}

// defaultOrgs are the participants of the regulation other than the
// operator, in the order of the sign-in page.
var defaultOrgs = []defaultOrg{
	{"internal_affairs", "DX", "Elçin Quliyev", "Nigar Əliyeva"},
	{"justice", "ED", "Samir İsmayılov", "Günel Rzayeva"},
	{"education", "TH", "Aynur Hüseynova", "Tural Abbasov"},
	{"health", "SH", "Fuad Cəfərov", "Səbinə Kərimova"},
	{"labour", "EM", "Vüqar Nəsirov", "Lalə Qasımova"},
	{"youth_sports", "GD", "Orxan Babayev", "Könül Süleymanova"},
	{"migration", "MX", "Ramin Əhmədov", "Aysel Mustafayeva"},
	{"tabib", "TB", "Zaur Hacıyev", "Nərmin Sadıqova"},
}

// defaultFIN builds a default persona's FIN: a digit for the role, two
// letters for the organisation and "0001". The digits and letters used
// avoid I and O, so every such FIN matches ^[A-HJ-NP-Z0-9]{7}$, and no two
// (role, organisation) pairs share one.
func defaultFIN(roleDigit byte, letters string) string {
	return string(roleDigit) + letters + "0001"
}

// DefaultPersonas returns the development personas: the operator's
// administrator (FIN 1AK0001) and analyst (2AK0001); the head (3xx0001)
// and an officer (4xx0001) of each participant, xx being DX internal
// affairs, ED justice, TH education, SH health, EM labour, GD youth and
// sports, MX migration, TB TƏBİB; a member of the Səbail district
// commission (5SB0001); an evaluator of the Ministry of Digital
// Development (6RN0001); an auditor of the State Security Service
// (7DT0001); then the given parents, whose Role is set to "parent" and Org
// cleared. A parent whose FIN is already taken (by a default persona or an
// earlier parent) is left out, so the FINs never collide.
func DefaultPersonas(parents []Persona) []Persona {
	out := []Persona{
		{FIN: defaultFIN('1', "AK"), Name: "Leyla Həsənova", Role: RoleOperatorAdmin, Org: "operator"},
		{FIN: defaultFIN('2', "AK"), Name: "Rəşad Məmmədov", Role: RoleOperatorAnalyst, Org: "operator"},
	}
	for _, o := range defaultOrgs {
		out = append(out,
			Persona{FIN: defaultFIN('3', o.letters), Name: o.head, Role: RoleOrgHead, Org: o.code},
			Persona{FIN: defaultFIN('4', o.letters), Name: o.officer, Role: RoleOrgOfficer, Org: o.code})
	}
	out = append(out,
		Persona{FIN: defaultFIN('5', "SB"), Name: "Sevinc Bağırova", Role: RoleCommissionMember, Org: "commission.sabail"},
		Persona{FIN: defaultFIN('6', "RN"), Name: "Kamran Vəliyev", Role: RoleEvaluator},
		Persona{FIN: defaultFIN('7', "DT"), Name: "Emil Rüstəmov", Role: RoleAuditor},
	)
	taken := map[string]bool{}
	for _, p := range out {
		taken[p.FIN] = true
	}
	for _, p := range parents {
		if p.FIN == "" || taken[p.FIN] {
			continue
		}
		taken[p.FIN] = true
		out = append(out, Persona{FIN: p.FIN, Name: p.Name, Role: RoleParent})
	}
	return out
}

// subjectOf derives a persona's subject identifier from what it is, so
// that it stays the same across restarts of the provider.
func subjectOf(p Persona) string {
	h := sha256.New()
	for _, s := range []string{p.FIN, p.Role, p.Org, p.Name} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return "dev-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// withSubjects checks the personas and gives each its subject.
func withSubjects(ps []Persona) ([]persona, error) {
	out := make([]persona, 0, len(ps))
	fins := map[string]bool{}
	subs := map[string]bool{}
	for _, p := range ps {
		if p.Name == "" {
			return nil, errors.New("idp: a persona needs a name")
		}
		if p.FIN != "" {
			if fins[p.FIN] {
				return nil, fmt.Errorf("idp: two personas have the FIN %q", p.FIN)
			}
			fins[p.FIN] = true
		}
		s := subjectOf(p)
		if subs[s] {
			return nil, fmt.Errorf("idp: persona %q is listed twice", p.Name)
		}
		subs[s] = true
		out = append(out, persona{Persona: p, sub: s})
	}
	return out, nil
}

func (p *Provider) personaByFIN(fin string) *persona {
	if fin == "" {
		return nil
	}
	for i := range p.personas {
		if p.personas[i].FIN == fin {
			return &p.personas[i]
		}
	}
	return nil
}

func (p *Provider) personaBySubject(sub string) *persona {
	for i := range p.personas {
		if p.personas[i].sub == sub {
			return &p.personas[i]
		}
	}
	return nil
}

// roleLabels name the roles on the sign-in page: Azerbaijani, English,
// Russian.
var roleLabels = map[string][3]string{
	RoleOperatorAdmin:    {"Operator — inzibatçı", "Operator — administrator", "Оператор — администратор"},
	RoleOperatorAnalyst:  {"Operator — analitik", "Operator — analyst", "Оператор — аналитик"},
	RoleOrgHead:          {"Təşkilatın rəhbəri", "Head of organisation", "Руководитель организации"},
	RoleOrgOfficer:       {"Məsul şəxs", "Responsible officer", "Ответственное лицо"},
	RoleCommissionMember: {"Komissiya üzvü", "Commission member", "Член комиссии"},
	RoleEvaluator:        {"Qiymətləndirici (Rəqəmsal İnkişaf və Nəqliyyat Nazirliyi)", "Evaluator (Ministry of Digital Development)", "Оценщик (Министерство цифрового развития)"},
	RoleAuditor:          {"Auditor (Dövlət Təhlükəsizliyi Xidməti)", "Auditor (State Security Service)", "Аудитор (Служба государственной безопасности)"},
	RoleParent:           {"Valideyn", "Parent", "Родитель"},
}
