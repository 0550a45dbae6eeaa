package ecabinet_test

import (
	"context"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/ecabinet"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var ctx = context.Background()

func TestCabinetsStaffAndGrants(t *testing.T) {
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		svc := ecabinet.New(st)
		op, _ := st.Participant(ctx, "operator")
		admin := access.Subject{Role: access.OperatorAdmin, Org: op}
		adminActor := audit.Actor{Kind: audit.Person, ID: "1ADM1N1"}

		// The first login creates the e-cabinet; a natural person acts as a parent.
		c, err := svc.Login(ctx, "3MN8P4Q", "Aysel Məmmədova")
		if err != nil || c.Person.FIN != "3MN8P4Q" || len(c.Roles) != 0 {
			t.Fatalf("login: %+v %v", c, err)
		}
		if s, err := svc.Subject(ctx, "3MN8P4Q", ""); err != nil || s.Role != access.Parent {
			t.Fatalf("parent subject: %+v %v", s, err)
		}
		// Nobody acts for an organisation unregistered.
		if _, err := svc.Subject(ctx, "3MN8P4Q", "education"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("unregistered staff: %v", err)
		}
		// The operator registers education's head; the head registers an officer and grants.
		if err := svc.Register(ctx, admin, adminActor, "education", "5HEAD55", access.OrgHead); err != nil {
			t.Fatal(err)
		}
		svc.Login(ctx, "5HEAD55", "Rəşad Quliyev")
		svc.Login(ctx, "6QFF666", "Nərmin Əliyeva")
		head, err := svc.Subject(ctx, "5HEAD55", "education")
		if err != nil || head.Role != access.OrgHead || head.Org.Code != "education" {
			t.Fatalf("head: %+v %v", head, err)
		}
		headActor := audit.Actor{Kind: audit.Person, ID: "5HEAD55", Org: "education"}
		if err := svc.Register(ctx, head, headActor, "education", "6QFF666", access.OrgOfficer); err != nil {
			t.Fatal(err)
		}
		if err := svc.Register(ctx, head, headActor, "education", "6OFF666", access.OrgOfficer); !fault.Is(err, fault.Invalid) {
			t.Errorf("a FIN with the letter O: %v", err)
		}
		if err := svc.Register(ctx, head, headActor, "health", "6QFF666", access.OrgOfficer); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a head registering for another organisation: %v", err)
		}
		if err := svc.Register(ctx, head, headActor, "education", "6QFF666", access.OrgHead); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a head making another head: %v", err)
		}
		g := access.Grant{Category: "schooling", Read: true, Write: true, Region: "baki", Until: category.MustDate("2027-06-30")}
		if err := svc.Grant(ctx, head, headActor, "education", "6QFF666", g); err != nil {
			t.Fatal(err)
		}
		if err := svc.Grant(ctx, head, headActor, "education", "6QFF666", access.Grant{Category: "health_checkup", Read: true}); !fault.Is(err, fault.Invalid) {
			t.Errorf("granting beyond the organisation's rights: %v", err)
		}
		off, err := svc.Subject(ctx, "6QFF666", "education")
		if err != nil || off.Role != access.OrgOfficer || len(off.Grants) != 1 || off.Grants[0] != g {
			t.Fatalf("officer: %+v %v", off, err)
		}
		child := access.Child{Region: "baki", District: "sabail", Status: "active"}
		if d := access.Decide(off, access.Write, category.CatSchooling, child, category.MustDate("2026-11-22")); !d.Allow {
			t.Errorf("the officer may not write schooling: %+v", d)
		}
		// Revocations take effect on the next request.
		if err := st.RevokeGrants(ctx, "education", "6QFF666", "schooling", headActor); err != nil {
			t.Fatal(err)
		}
		if off, _ := svc.Subject(ctx, "6QFF666", "education"); len(off.Grants) != 0 {
			t.Errorf("grant still there: %+v", off.Grants)
		}
		if err := st.SuspendPerson(ctx, "6QFF666", true, "left the ministry", adminActor); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Subject(ctx, "6QFF666", "education"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a suspended person: %v", err)
		}
		if err := st.SetActive(ctx, "education", false, "incident 2026/4", adminActor); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Subject(ctx, "5HEAD55", "education"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a person of a suspended organisation: %v", err)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}

func TestAccessLogDelaysRestrictedReads(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
		t.Fatal(err)
	}
	birth := `{"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"2016-03-02","birth_place":{"district":"sabail"},"citizenship":"AZE","mother_fin":"3MN8P4Q"}`
	res, err := st.Submit(ctx, store.Submission{Keys: []profile.Key{{Kind: profile.KeyFIN, Value: "5ZK3N2P"}},
		Fact: profile.Fact{Category: "birth_registration", Sender: "justice", SourceID: "b1", Action: profile.Upsert,
			EffectiveDate: category.MustDate("2016-03-14"), ReceivedAt: time.Now(), Payload: []byte(birth), ContentHash: "h"},
		Actor: audit.SystemActor("test"), Detail: "{}"})
	if err != nil {
		t.Fatal(err)
	}
	read := func(org, detail string) {
		st.Audit(ctx, audit.Entry{Actor: audit.Actor{Kind: audit.Participant, ID: org}, Action: "profile.read", ChildID: res.ChildID, Outcome: "allowed", Detail: detail})
	}
	read("education", `{"purpose":"enrolment"}`)
	read("internal_affairs", `{"purpose":"case 17","restricted":"true"}`)
	svc := ecabinet.New(st)
	now := time.Now()
	log, err := svc.AccessLog(ctx, "3MN8P4Q", res.ChildID, now, 30*24*time.Hour)
	if err != nil || len(log) != 1 || log[0].Organisation != "education" {
		t.Fatalf("within the delay: %+v %v", log, err)
	}
	log, _ = svc.AccessLog(ctx, "3MN8P4Q", res.ChildID, now.Add(31*24*time.Hour), 30*24*time.Hour)
	if len(log) != 2 || log[0].Organisation != "internal_affairs" || log[0].Purpose != "case 17" {
		t.Errorf("after the delay: %+v", log)
	}
	if _, err := svc.AccessLog(ctx, "9ZZ9ZZ9", res.ChildID, now, 0); !fault.Is(err, fault.NotFound) {
		t.Errorf("a stranger's access log: %v", err)
	}
}
