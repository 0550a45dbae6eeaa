package correspond_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/signals"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
)

func clock() time.Time { return t0 }

func org(code string) *participant.Participant {
	for _, p := range participant.Defaults() {
		if p.Code == code {
			return &p
		}
	}
	panic(code)
}

// person is someone of an organisation in a role, with grants.
func person(fin, code string, role access.Role, grants ...access.Grant) correspond.Author {
	return correspond.Author{
		Subject: access.Subject{Role: role, Org: org(code), FIN: fin, Grants: grants},
		Actor:   audit.Actor{Kind: audit.Person, ID: fin, Org: code, Role: string(role)},
		FIN:     fin, Name: "Person " + fin,
	}
}

var (
	eduHead    = person("3TH0001", "education", access.OrgHead)
	healthHead = person("3SH0001", "health", access.OrgHead)
	labourHead = person("3EM0001", "labour", access.OrgHead)
	quba       = person("5SB0002", "commission.quba", access.OrgHead)
	sabail     = person("5SB0001", "commission.sabail", access.OrgHead)
	eduNoGrant = person("4TH0002", "education", access.OrgOfficer)
)

// setup returns a service on a fresh store with the participants and a
// child born in Sabail.
func setup(t *testing.T, e store.Engine) (*correspond.Service, int64) {
	t.Helper()
	st := storetest.Open(t, e, clock)
	if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
		t.Fatal(err)
	}
	payload := `{"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"2016-03-02","birth_place":{"district":"sabail"},"citizenship":"AZE"}`
	sum := sha256.Sum256([]byte(payload))
	res, err := st.Submit(ctx, store.Submission{
		Keys: []profile.Key{{Kind: profile.KeyFIN, Value: "5ZK3N2P"}},
		Fact: profile.Fact{Category: "birth_registration", Sender: "justice", SourceID: "br-1", Action: profile.Upsert,
			EffectiveDate: category.MustDate("2016-03-14"), ReceivedAt: t0, Payload: []byte(payload), ContentHash: hex.EncodeToString(sum[:])},
		Actor: audit.Actor{Kind: audit.Participant, ID: "justice"}, Detail: "{}",
	})
	if err != nil {
		t.Fatal(err)
	}
	limits := correspond.DefaultLimits
	limits.MaxFileBytes = 1000
	return correspond.New(st, clock, limits), res.ChildID
}

func fieldCodes(err error) string {
	var codes []string
	for _, f := range fault.FieldsOf(err) {
		codes = append(codes, f.Field+":"+f.Code)
	}
	return strings.Join(codes, ",")
}

func TestThreadsBetweenOrganisations(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			svc, child := setup(t, e)
			st := svc.Store()
			id, err := svc.Open(ctx, eduHead, correspond.NewThread{Subject: "Məktəbə getmir", ChildID: child,
				Orgs: []string{"health"}, Body: "Uşaq sentyabrdan məktəbə gəlmir."})
			if err != nil {
				t.Fatal(err)
			}
			// Health sees it, with the unread message; labour, not a member, does not.
			if n, _ := svc.Unread(ctx, healthHead); n != 1 {
				t.Errorf("health's unread = %d; want 1", n)
			}
			if _, _, err := svc.View(ctx, labourHead, id); !fault.Is(err, fault.Forbidden) {
				t.Errorf("labour viewed a thread it is not a member of: %v", err)
			}
			if _, err := svc.Post(ctx, labourHead, id, "hello", nil); !fault.Is(err, fault.Forbidden) {
				t.Errorf("labour posted to a thread it is not a member of: %v", err)
			}
			// An answer, a mention that adds the Sabail commission, then an edit.
			msg, err := svc.Post(ctx, healthHead, id, "Tibbi səbəb yoxdur. @commission.sabail baxın, zəhmət olmasa.", nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Edit(ctx, eduHead, msg, "not mine"); !fault.Is(err, fault.Forbidden) {
				t.Errorf("education edited health's message: %v", err)
			}
			edit, err := svc.Edit(ctx, healthHead, msg, "Tibbi səbəb yoxdur (düzəliş). @commission.sabail")
			if err != nil {
				t.Fatal(err)
			}
			thread, msgs, err := svc.View(ctx, sabail, id)
			if err != nil {
				t.Fatalf("the mentioned commission cannot see the thread: %v", err)
			}
			if len(thread.Members) != 3 || len(msgs) != 3 || msgs[2].ID != edit || msgs[2].EditOf != msg || msgs[1].Body == msgs[2].Body {
				t.Errorf("members %v, messages %+v; want 3 members and both versions of the edited message", thread.MemberOrgs(), msgs)
			}
			notices, _ := st.Notices(ctx, "commission.sabail", 0, 10)
			if len(notices) == 0 || notices[0].Kind != store.NoticeMention {
				t.Errorf("the commission's notices = %+v; want a mention", notices)
			}
			// Read receipts per organisation: the commission read everything,
			// education not yet the answer.
			for _, m := range thread.Members {
				switch m.Org {
				case "commission.sabail":
					if m.ReadUpto != edit {
						t.Errorf("commission read up to %d; want %d", m.ReadUpto, edit)
					}
				case "education":
					if m.ReadUpto >= msg {
						t.Errorf("education read up to %d before opening the thread", m.ReadUpto)
					}
				}
			}
			if n, _ := svc.Unread(ctx, eduHead); n != 2 {
				t.Errorf("education's unread = %d; want the answer and its edit", n)
			}
			// The Quba commission may not join a thread about a Sabail child.
			if err := svc.AddOrgs(ctx, eduHead, id, []string{"commission.quba"}); !strings.Contains(fieldCodes(err), "orgs:org_cannot_join") {
				t.Errorf("adding the Quba commission: %v", err)
			}
			// An officer of a member without a grant to read the child does not see it.
			if _, _, err := svc.View(ctx, eduNoGrant, id); !fault.Is(err, fault.Forbidden) {
				t.Errorf("an officer with no grant viewed a thread about a child: %v", err)
			}
			if rows, _ := svc.List(ctx, eduNoGrant, store.ThreadFilter{}); len(rows) != 0 {
				t.Errorf("an officer with no grant lists %d threads about a child", len(rows))
			}
			// Awaiting an answer from health, which answering reopens.
			if err := svc.SetState(ctx, eduHead, id, "awaiting", "labour", t0.Add(time.Hour)); !strings.Contains(fieldCodes(err), "awaiting:not_member_org") {
				t.Errorf("awaiting a non-member: %v", err)
			}
			if err := svc.SetState(ctx, eduHead, id, "awaiting", "health", t0.Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Post(ctx, healthHead, id, "Cavab", nil); err != nil {
				t.Fatal(err)
			}
			if th, _ := st.ThreadOf(ctx, id); th.State != "open" {
				t.Errorf("state after health answered = %s; want open", th.State)
			}
			// Every read was audited: the views and the refusals.
			entries, _ := st.AuditEntries(ctx, store.AuditFilter{Action: "thread.read"})
			var shown, denied int
			for _, en := range entries {
				if en.Outcome == "shown" {
					shown++
				} else if strings.HasPrefix(en.Outcome, "denied") {
					denied++
				}
				if en.ChildID != child {
					t.Errorf("a thread read audited without its child: %+v", en)
				}
			}
			if shown != 1 || denied < 3 {
				t.Errorf("audited %d reads shown and %d denied", shown, denied)
			}
		})
	}
}

func TestBadInputStoresNothing(t *testing.T) {
	svc, _ := setup(t, store.SQLite)
	st := svc.Store()
	id, err := svc.Open(ctx, eduHead, correspond.NewThread{Subject: "General", Orgs: []string{"health"}, Body: "Salam"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := st.Count(ctx)
	pdf := []byte("%PDF-1.4\n" + strings.Repeat("x", 100))
	cases := []struct {
		name  string
		files []store.NewFile
		body  string
		code  string
	}{
		{"an oversized file", []store.NewFile{{Name: "big.pdf", Data: append(pdf, make([]byte, 2000)...)}}, "see", "files:file_too_large"},
		{"a program", []store.NewFile{{Name: "run.exe", Data: []byte("MZ\x90\x00\x03\x00\x00\x00")}}, "see", "files:file_type"},
		{"a zip that is no office file", []store.NewFile{{Name: "a.zip", Data: []byte("PK\x03\x04aaaa")}}, "see", "files:file_type"},
		{"too many files", []store.NewFile{{Name: "1.pdf", Data: pdf}, {Name: "2.pdf", Data: pdf}, {Name: "3.pdf", Data: pdf},
			{Name: "4.pdf", Data: pdf}, {Name: "5.pdf", Data: pdf}, {Name: "6.pdf", Data: pdf}}, "see", "files:too_many_files"},
		{"an empty message", nil, "   ", "body:empty"},
		{"an unknown organisation mentioned", nil, "@nobody look", "body:unknown_org"},
	}
	for _, c := range cases {
		_, err := svc.Post(ctx, eduHead, id, c.body, c.files)
		if !fault.Is(err, fault.Invalid) || !strings.Contains(fieldCodes(err), c.code) {
			t.Errorf("%s: %v; want %s", c.name, err, c.code)
		}
	}
	after, _ := st.Count(ctx)
	_, msgs, _ := st.LoadThread(ctx, id)
	if len(msgs) != 1 || after.Audit != before.Audit {
		t.Errorf("refused messages stored something: %d messages, audit %d → %d", len(msgs), before.Audit, after.Audit)
	}
	// A good file is kept with its sniffed type, and a path is cut off its name.
	m, err := svc.Post(ctx, eduHead, id, "", []store.NewFile{{Name: `C:\docs\akt.pdf`, Data: pdf}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := st.Message(ctx, m)
	if len(got.Files) != 1 || got.Files[0].Name != "akt.pdf" || got.Files[0].ContentType != "application/pdf" {
		t.Errorf("file = %+v", got.Files)
	}
	if _, _, err := svc.File(ctx, labourHead, got.Files[0].ID); !fault.Is(err, fault.Forbidden) {
		t.Errorf("a non-member downloaded an attachment: %v", err)
	}
	if f, data, err := svc.File(ctx, healthHead, got.Files[0].ID); err != nil || len(data) != len(pdf) || f.SHA256 == "" {
		t.Errorf("a member's download: %v", err)
	}
}

func TestFloodsAreRefused(t *testing.T) {
	svc, _ := setup(t, store.SQLite)
	id, err := svc.Open(ctx, eduHead, correspond.NewThread{Subject: "General", Orgs: []string{"health"}, Body: "1"})
	if err != nil {
		t.Fatal(err)
	}
	var refused error
	for i := range 30 {
		if _, err := svc.Post(ctx, eduHead, id, fmt.Sprint(i), nil); err != nil {
			refused = err
			break
		}
	}
	if !fault.Is(refused, fault.Unavailable) {
		t.Fatalf("30 messages at once: %v; want a refusal after the burst", refused)
	}
	if _, err := svc.Post(ctx, healthHead, id, "another person may still write", nil); err != nil {
		t.Errorf("the flood of one person stopped another: %v", err)
	}
}

// TestLiveDeliveryOnSQLite subscribes as two organisations and sees a new
// message reach the members only.
func TestLiveDeliveryOnSQLite(t *testing.T) {
	svc, _ := setup(t, store.SQLite)
	health, labour := svc.Hub().Subscribe("health"), svc.Hub().Subscribe("labour")
	defer health.Close()
	defer labour.Close()
	id, err := svc.Open(ctx, eduHead, correspond.NewThread{Subject: "General", Orgs: []string{"health"}, Body: "Salam, səhiyyə"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-health.C:
		var l correspond.Live
		json.Unmarshal(d.JSON, &l)
		if l.Thread != id || l.Body != "Salam, səhiyyə" || l.OrgName.AZ == "" {
			t.Errorf("delivered %+v", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("health received nothing")
	}
	select {
	case d := <-labour.C:
		t.Errorf("labour, not a member, received %s", d.JSON)
	default:
	}
}

// TestLiveDeliveryAcrossServers runs two services on one PostgreSQL
// database: a message stored through one reaches the other's subscribers
// through LISTEN/NOTIFY.
func TestLiveDeliveryAcrossServers(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	open := func() *correspond.Service {
		st, err := store.Open(dsn, store.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return correspond.New(st, clock, correspond.DefaultLimits)
	}
	a := open()
	if err := a.Store().Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if err := a.Store().SeedParticipants(ctx, participant.Defaults()); err != nil {
		t.Fatal(err)
	}
	b := open()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := b.Hub().Subscribe("health")
	defer sub.Close()
	go b.Run(runCtx, slog.New(slog.DiscardHandler))
	select {
	case <-b.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("the second server does not listen")
	}
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		if _, err := a.Open(ctx, eduHead, correspond.NewThread{Subject: "General", Orgs: []string{"health"}, Body: fmt.Sprint("across ", i)}); err != nil {
			t.Fatal(err)
		}
		select {
		case d := <-sub.C:
			var l correspond.Live
			json.Unmarshal(d.JSON, &l)
			if !strings.HasPrefix(l.Body, "across ") {
				t.Errorf("delivered %+v", l)
			}
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("the other server's subscriber received nothing")
		}
	}
}

// submit stores a record about the child with FIN 5ZK3N2P.
func submit(t *testing.T, st *store.Store, sender, cat, source string, payload []byte) {
	t.Helper()
	sum := sha256.Sum256(payload)
	_, err := st.Submit(ctx, store.Submission{
		Keys: []profile.Key{{Kind: profile.KeyFIN, Value: "5ZK3N2P"}},
		Fact: profile.Fact{Category: cat, Sender: sender, SourceID: source, Action: profile.Upsert,
			EffectiveDate: category.MustDate("2026-10-01"), ReceivedAt: t0, Payload: payload, ContentHash: hex.EncodeToString(sum[:])},
		Actor: audit.Actor{Kind: audit.Participant, ID: sender}, Detail: "{}",
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSignalsOpenThreadsOncePerChildAndRule(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			svc, child := setup(t, e)
			st := svc.Store()
			cat, _ := category.Lookup("offences_against_child")
			submit(t, st, "internal_affairs", "offences_against_child", "oac-1", cat.Examples()[0])
			rules, err := svc.Rules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			opened, err := svc.CheckChild(ctx, rules, child)
			if err != nil {
				t.Fatal(err)
			}
			// The child is 10 with no schooling record and no check-up
			// either: three rules hold.
			if opened != 3 {
				t.Fatalf("opened %d threads; want 3 (offence, school, check-up)", opened)
			}
			if again, _ := svc.CheckChild(ctx, rules, child); again != 0 {
				t.Errorf("a second evaluation opened %d more", again)
			}
			sabailRows, _ := svc.List(ctx, sabail, store.ThreadFilter{})
			if len(sabailRows) != 1 || sabailRows[0].SignalRule != "offence_against_child" || sabailRows[0].ChildID != child {
				t.Fatalf("the Sabail commission's threads = %+v; want the offence signal", sabailRows)
			}
			_, msgs, err := svc.View(ctx, sabail, sabailRows[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			var body correspond.SignalBody
			if err := json.Unmarshal([]byte(msgs[0].Body), &body); err != nil || msgs[0].Kind != "signal" || len(body.Facts) != 1 ||
				body.Facts[0].Category != "offences_against_child" || body.Reason.AZ == "" {
				t.Errorf("signal message = %s (%v)", msgs[0].Body, err)
			}
			if strings.Contains(msgs[0].Body, "5ZK3N2P") || strings.Contains(msgs[0].Body, "Məmmədov") {
				t.Errorf("the signal names the child: %s", msgs[0].Body)
			}
			eduRows, _ := svc.List(ctx, eduHead, store.ThreadFilter{})
			if len(eduRows) != 1 || eduRows[0].SignalRule != "school_age_no_schooling" {
				t.Errorf("education's threads = %+v", eduRows)
			}
		})
	}
}

func TestSignalRulesAreTheOperatorsToChange(t *testing.T) {
	svc, child := setup(t, store.SQLite)
	admin := person("1AK0001", "operator", access.OperatorAdmin)
	off := signalsRule(t, svc, "no_health_checkup")
	off.Enabled = false
	if err := svc.SetRule(ctx, eduHead, off); !fault.Is(err, fault.Forbidden) {
		t.Errorf("a ministry changed a rule: %v", err)
	}
	bad := off
	bad.Months = 99
	if err := svc.SetRule(ctx, admin, bad); !strings.Contains(fieldCodes(err), "months:") {
		t.Errorf("a period of 99 months: %v", err)
	}
	bad = off
	bad.Responsible = "nobody"
	if err := svc.SetRule(ctx, admin, bad); !strings.Contains(fieldCodes(err), "responsible:unknown_org") {
		t.Errorf("an unknown responsible: %v", err)
	}
	if err := svc.SetRule(ctx, admin, off); err != nil {
		t.Fatal(err)
	}
	rules, _ := svc.Rules(ctx)
	if n, _ := svc.CheckChild(ctx, rules, child); n != 1 {
		t.Errorf("with the check-up rule off, %d threads; want only the school one", n)
	}
}

func signalsRule(t *testing.T, svc *correspond.Service, code string) signals.Rule {
	t.Helper()
	rules, err := svc.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("no rule %s", code)
	return signals.Rule{}
}

// TestFollowCatchesUp: a browser that reconnects after message N gets the
// messages after N of its organisation's threads, and the policy's answer
// for each thread.
func TestFollowCatchesUp(t *testing.T) {
	svc, child := setup(t, store.SQLite)
	general, err := svc.Open(ctx, eduHead, correspond.NewThread{Subject: "General", Orgs: []string{"health"}, Body: "one"})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := svc.Post(ctx, eduHead, general, "two", nil)
	svc.Post(ctx, eduHead, general, "three", nil)
	about, err := svc.Open(ctx, healthHead, correspond.NewThread{Subject: "About a child", ChildID: child, Orgs: []string{"education"}, Body: "four"})
	if err != nil {
		t.Fatal(err)
	}
	svc.Open(ctx, eduHead, correspond.NewThread{Subject: "Elsewhere", Orgs: []string{"labour"}, Body: "not health's"})
	for _, c := range []struct {
		who  correspond.Author
		want []string
	}{
		{healthHead, []string{"three", "four"}},
		// An officer of education without a grant sees the general threads,
		// not the one about the child.
		{eduNoGrant, []string{"three", "not health's"}},
	} {
		missed, sub, err := svc.Follow(ctx, c.who, first)
		if err != nil {
			t.Fatal(err)
		}
		sub.Close()
		may := svc.May(c.who)
		var got []string
		for _, d := range missed {
			if may(d) {
				var l correspond.Live
				json.Unmarshal(d.JSON, &l)
				got = append(got, l.Body)
			}
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s caught up on %v; want %v (thread %d)", c.who.FIN, got, c.want, about)
		}
	}
}
