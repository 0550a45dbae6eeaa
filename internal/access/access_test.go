package access

import (
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/participant"
)

// The 31 categories in the order of the regulation (category.Bit), with
// their classes, for reading the expectations below:
//
//	 0 birth_registration  I    11 guardianship        C    22 unaccompanied_minor    C
//	 1 identity_card       I    12 education_documents E    23 offences_by_child      J
//	 2 residence_permit    I    13 special_education   E    24 educational_measures   J
//	 3 refugee_card        I    14 medical_registration H   25 offences_against_child J
//	 4 death               I    15 health_checkup      H    26 schooling              E
//	 5 father              F    16 pension_benefits    S    27 academic_achievements  E
//	 6 mother              F    17 alimony             S    28 sports_achievements    E
//	 7 parents_marriage    F    18 targeted_assistance S    29 sports_membership      E
//	 8 father_employment   F    19 social_services     S    30 appeals                F
//	 9 mother_employment   F    20 youth_employment    S
//	10 parental_care_reg.  C    21 minor_motherhood    H
//
// In an expectation, Y allows, P allows once a purpose is stated, and .
// denies.

var today = category.MustDate("2026-11-22")

func org(code string) *participant.Participant {
	for _, p := range participant.Defaults() {
		if p.Code == code {
			return &p
		}
	}
	panic(code)
}

var (
	sabailChild = Child{Region: "baki", District: "sabail", Status: "active", FatherFIN: "2HJ7K9L", MotherFIN: "3MN8P4Q"}
	qubaChild   = Child{Region: "quba_xacmaz", District: "quba", Status: "active", FatherFIN: "2HJ7K9L"}
)

func TestMatrix(t *testing.T) {
	officer := Subject{Role: OrgOfficer, Org: org("education"), Grants: []Grant{
		{Category: "schooling", Read: true, Write: true},
		{Category: "academic_achievements", Read: true, Region: "baki"},
		{Category: "special_education", Read: true, Until: category.MustDate("2026-01-01")}, // expired
		{Category: "health_checkup", Read: true, Write: true},                               // beyond the ministry's rights
		{Category: "birth_registration", Read: true},
	}}
	member := Subject{Role: CommissionMember, Org: org("commission.sabail"), Grants: []Grant{
		{Category: "guardianship", Read: true, Write: true},
		{Category: "offences_against_child", Read: true},
		{Category: "appeals", Read: true, Write: true},
	}}
	cases := []struct {
		name        string
		s           Subject
		child       Child
		read, write string
	}{
		{"justice's system", Subject{Role: System, Org: org("justice")}, sabailChild,
			"YYYYYYYYYY.......Y...Y.YYY....Y",
			"Y...YYYY.........Y...Y.YYY....Y"},
		{"education's system", Subject{Role: System, Org: org("education")}, sabailChild,
			"YYYYYYYYYY..YY............YY..Y", // sports results are Youth and Sports' to share
			"............YY............YY..Y"},
		{"health's system", Subject{Role: System, Org: org("health")}, sabailChild,
			"YYYYYYYYYY....YY.....Y........Y",
			"..............YY.....Y........Y"},
		{"labour's system", Subject{Role: System, Org: org("labour")}, sabailChild,
			"YYYYYYYYYYYY....Y.YYY.........Y", // alimony is Justice's
			"........YYYY....Y.YYY.........Y"},
		{"the Sabail commission's system, its child", Subject{Role: System, Org: org("commission.sabail")}, sabailChild,
			"YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY",
			"...........Y..................Y"},
		{"the Sabail commission's system, a Quba child", Subject{Role: System, Org: org("commission.sabail")}, qubaChild,
			"...............................",
			"..............................."},
		{"operator administrator", Subject{Role: OperatorAdmin, Org: org("operator")}, sabailChild,
			"YYYYYYYYYYPPYYPPYYYYYPPPPPYYYYY",
			"..............................Y"},
		{"operator analyst", Subject{Role: OperatorAnalyst, Org: org("operator")}, sabailChild,
			"YYYYYYYYYY..YY..YYYYY.....YYYYY",
			"..............................."},
		{"education's head", Subject{Role: OrgHead, Org: org("education")}, sabailChild,
			"YYYYYYYYYY..YY............YY..Y",
			"............YY............YY..Y"},
		{"education's officer, a Baku child", officer, sabailChild,
			"Y.........................YY...",
			"..........................Y...."},
		{"education's officer, a Quba child", officer, qubaChild,
			"Y.........................Y....",
			"..........................Y...."},
		{"a Sabail commission member, its child", member, sabailChild,
			"...........P.............P....Y",
			"...........Y..................Y"},
		{"a Sabail commission member, a Quba child", member, qubaChild,
			"...............................",
			"..............................."},
		{"evaluator", Subject{Role: Evaluator}, sabailChild,
			"YYYYYYYYYY..YY..YYYYY.....YYYYY",
			"..............................."},
		{"security-service auditor", Subject{Role: Auditor}, sabailChild,
			"...............................",
			"..............................."},
		{"the child's father", Subject{Role: Parent, FIN: "2HJ7K9L"}, sabailChild,
			"YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY",
			"..............................."},
		{"another parent", Subject{Role: Parent, FIN: "9ZZ9ZZ9"}, sabailChild,
			"...............................",
			"..............................."},
		{"a suspended system", Subject{Role: System, Org: org("justice"), Suspended: true}, sabailChild,
			"...............................",
			"..............................."},
		{"justice's system, an archived child", Subject{Role: System, Org: org("justice")}, Child{Status: "archived", District: "sabail"},
			"...............................",
			"..............................."},
		{"justice's system, an archived child it sent data about, within the year", Subject{Role: System, Org: org("justice")},
			Child{Status: "archived", District: "sabail", SentBy: []string{"health", "justice"}, SendersUntil: today},
			"PPPPPPPPPP.......P...P.PPP....P",
			"..............................."},
		{"justice's system, an archived child it sent data about, after the year", Subject{Role: System, Org: org("justice")},
			Child{Status: "archived", District: "sabail", SentBy: []string{"justice"}, SendersUntil: today.AddDays(-1)},
			"...............................",
			"..............................."},
		{"education's officer, an archived child education sent data about", Subject{Role: OrgOfficer, Org: org("education"),
			Grants: []Grant{{Category: "schooling", Read: true}}},
			Child{Status: "archived", District: "sabail", SentBy: []string{"education"}, SendersUntil: today},
			"..........................P....",
			"..............................."},
		{"operator administrator, an archived child", Subject{Role: OperatorAdmin, Org: org("operator")}, Child{Status: "archived"},
			"YYYYYYYYYYPPYYPPYYYYYPPPPPYYYYY",
			"..............................."},
		{"nobody in particular", Subject{}, sabailChild,
			"...............................",
			"..............................."},
	}
	if n := len(category.All()); n != 31 {
		t.Fatalf("%d categories", n)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, act := range []struct {
				a    Action
				want string
			}{{Read, tc.read}, {Write, tc.write}} {
				var got strings.Builder
				for _, c := range category.All() {
					d := Decide(tc.s, act.a, c, tc.child, today)
					switch {
					case d.Allow && d.NeedsPurpose:
						got.WriteByte('P')
					case d.Allow:
						got.WriteByte('Y')
					default:
						got.WriteByte('.')
						if d.Reason == "" {
							t.Errorf("%s %s denied without a reason", act.a, c.Code)
						}
					}
				}
				if got.String() != act.want {
					t.Errorf("%s:\n got  %s\n want %s", act.a, got.String(), act.want)
				}
			}
		})
	}
}

func TestReasons(t *testing.T) {
	edu := org("education")
	schooling := category.CatSchooling
	for _, tc := range []struct {
		s      Subject
		a      Action
		c      *category.Category
		child  Child
		reason string
	}{
		{Subject{Role: System, Org: edu}, Write, category.CatBirthRegistration, sabailChild, ReasonCompetence},
		{Subject{Role: System, Org: edu}, Read, category.CatHealthCheckup, sabailChild, ReasonNoReadRight},
		{Subject{Role: OrgOfficer, Org: edu}, Read, schooling, sabailChild, ReasonNoGrant},
		{Subject{Role: OrgOfficer, Org: edu, Grants: []Grant{{Category: "schooling", Read: true, District: "quba"}}}, Read, schooling, sabailChild, ReasonRegion},
		{Subject{Role: OrgOfficer, Org: edu, Grants: []Grant{{Category: "schooling", Read: true, Until: category.MustDate("2026-11-21")}}}, Read, schooling, sabailChild, ReasonNoGrant},
		{Subject{Role: Evaluator}, Write, schooling, sabailChild, ReasonReadOnly},
		{Subject{Role: Evaluator}, Read, category.CatOffencesByChild, sabailChild, ReasonSensitive},
		{Subject{Role: Auditor}, Read, schooling, sabailChild, ReasonNoChildData},
		{Subject{Role: Parent, FIN: "9ZZ9ZZ9"}, Read, schooling, sabailChild, ReasonNotYourChild},
		{Subject{Role: System, Org: edu, Suspended: true}, Read, schooling, sabailChild, ReasonSuspended},
		{Subject{Role: System, Org: edu}, Read, schooling, Child{Status: "archived"}, ReasonArchived},
		{Subject{Role: "janitor"}, Read, schooling, sabailChild, ReasonUnknownSubject},
	} {
		if d := Decide(tc.s, tc.a, tc.c, tc.child, today); d.Allow || d.Reason != tc.reason {
			t.Errorf("%s %s %s: %+v; want denied for %s", tc.s.Role, tc.a, tc.c.Code, d, tc.reason)
		}
	}
	// A grant valid through today still holds today.
	g := Subject{Role: OrgOfficer, Org: edu, Grants: []Grant{{Category: "schooling", Read: true, Until: today}}}
	if d := Decide(g, Read, schooling, sabailChild, today); !d.Allow {
		t.Errorf("a grant until today denied today: %+v", d)
	}
	// A suspended organisation suspends its systems.
	off := *edu
	off.Active = false
	if d := Decide(Subject{Role: System, Org: &off}, Read, schooling, sabailChild, today); d.Reason != ReasonSuspended {
		t.Errorf("a suspended organisation: %+v", d)
	}
}

func TestCorrespond(t *testing.T) {
	officer := Subject{Role: OrgOfficer, Org: org("education"), Grants: []Grant{{Category: "schooling", Read: true}}}
	ungranted := Subject{Role: OrgOfficer, Org: org("education")}
	head := Subject{Role: OrgHead, Org: org("education")}
	commission := Subject{Role: OrgHead, Org: org("commission.sabail")}
	admin := Subject{Role: OperatorAdmin, Org: org("operator")}
	archived := sabailChild
	archived.Status = "archived"
	members := []string{"education", "health", "commission.sabail", "operator"}
	cases := []struct {
		name   string
		s      Subject
		child  *Child
		reason string // "" allows
	}{
		{"a member's head, general thread", head, nil, ""},
		{"a member's head, child thread", head, &sabailChild, ""},
		{"an officer with a grant to read the child", officer, &sabailChild, ""},
		{"an officer with no grant, child thread", ungranted, &sabailChild, ReasonNoGrant},
		{"an officer with no grant, general thread", ungranted, nil, ""},
		{"a commission, its district", commission, &sabailChild, ""},
		{"a commission, another district", commission, &qubaChild, ReasonRegion},
		{"not a member", Subject{Role: OrgHead, Org: org("labour")}, nil, ReasonNotMember},
		{"a parent", Subject{Role: Parent, FIN: "3MN8P4Q"}, nil, ReasonNotMember},
		{"an auditor", Subject{Role: Auditor}, nil, ReasonNotMember},
		{"suspended", Subject{Role: OrgHead, Org: org("education"), Suspended: true}, nil, ReasonSuspended},
		{"an archived child", head, &archived, ReasonArchived},
		{"the operator, an archived child", admin, &archived, ""},
	}
	for _, c := range cases {
		d := Correspond(c.s, members, c.child, today)
		if d.Allow != (c.reason == "") || (!d.Allow && d.Reason != c.reason) {
			t.Errorf("%s: %+v; want reason %q", c.name, d, c.reason)
		}
	}
	if d := Join(org("commission.quba"), &sabailChild); d.Allow {
		t.Error("the Quba commission joined a thread about a Sabail child")
	}
	if d := Join(org("labour"), &sabailChild); !d.Allow {
		t.Errorf("labour may not join: %+v", d)
	}
}
