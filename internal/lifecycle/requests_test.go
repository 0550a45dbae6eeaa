package lifecycle_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/lifecycle"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// inbox is an SMTP server on loopback that keeps what it receives.
type inbox struct {
	mu   sync.Mutex
	msgs []string // "to|raw message"
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{inbox: b}, nil }

type session struct {
	inbox *inbox
	to    []string
}

func (s *session) Reset()                                    { s.to = nil }
func (s *session) Logout() error                             { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	for _, to := range s.to {
		s.inbox.msgs = append(s.inbox.msgs, to+"|"+string(b))
	}
	return err
}

func startSMTP(t *testing.T) (*inbox, string) {
	t.Helper()
	b := &inbox{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b, ln.Addr().String()
}

func (b *inbox) to(addr string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.msgs {
		if to, raw, _ := strings.Cut(m, "|"); to == addr {
			out = append(out, raw)
		}
	}
	return out
}

func staff(code string, role access.Role, fin string) lifecycle.Person {
	for _, p := range participant.Defaults() {
		if p.Code == code {
			return lifecycle.Person{Subject: access.Subject{Role: role, Org: &p, FIN: fin}, Actor: audit.Actor{Kind: audit.Person, ID: fin, Org: code}}
		}
	}
	panic(code)
}

// TestErrorReportsAndAppealsAreAnswered: health reports that a record of
// justice's is wrong; the operator answers; justice and health are told
// by e-mail through a real SMTP server, and see it in their lists. A
// mother's complaint is answered likewise; bad requests are refused.
func TestErrorReportsAndAppealsAreAnswered(t *testing.T) {
	ctx := context.Background()
	box, addr := startSMTP(t)
	storetest.Each(t, nil, func(t *testing.T, st *store.Store) {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		payload := category.CatBirthRegistration.Examples()[0]
		sum := sha256.Sum256(append([]byte("upsert\x00"), payload...))
		res, err := st.Submit(ctx, store.Submission{Keys: []profile.Key{{Kind: profile.KeyFIN, Value: "5ZK3N2P"}},
			Fact: profile.Fact{Category: "birth_registration", Sender: "justice", SourceID: "akt-1", Action: profile.Upsert,
				EffectiveDate: category.MustDate("2016-03-14"), ReceivedAt: time.Now(), Payload: payload, ContentHash: hex.EncodeToString(sum[:])},
			Actor: audit.SystemActor("test"), Detail: "{}"})
		if err != nil {
			t.Fatal(err)
		}
		admin := lifecycle.Person{Subject: access.Subject{Role: access.OperatorAdmin}, Actor: audit.Actor{Kind: audit.Person, ID: "1AK0001"}}
		for org, email := range map[string]string{"justice": "it@justice.test", "health": "it@health.test", "operator": "desk@operator.test"} {
			if err := st.SetParticipantEmail(ctx, org, email, admin.Actor); err != nil {
				t.Fatal(err)
			}
		}
		rq := lifecycle.NewRequests(st, nil)
		healthHead := staff("health", access.OrgHead, "3SH0001")
		// A report about a record that does not exist, or by a parent, is refused.
		if _, err := rq.Submit(ctx, healthHead, lifecycle.NewRequest{Kind: lifecycle.ErrorReport, FactID: 99999, Body: "x"}); !fault.Is(err, fault.NotFound) {
			t.Errorf("a report on no record: %v", err)
		}
		mother := lifecycle.Person{Subject: access.Subject{Role: access.Parent, FIN: "3MN8P4Q"}, Actor: audit.Actor{Kind: audit.Person, ID: "3MN8P4Q"}}
		if _, err := rq.Submit(ctx, mother, lifecycle.NewRequest{Kind: lifecycle.ErrorReport, FactID: res.FactID, Body: "x"}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a parent's error report: %v", err)
		}
		if _, err := rq.Submit(ctx, healthHead, lifecycle.NewRequest{Kind: lifecycle.ErrorReport, FactID: res.FactID, Body: "",
			ReplyEmail: "not an address"}); !fault.Is(err, fault.Invalid) || len(fault.FieldsOf(err)) != 2 {
			t.Errorf("an empty report with a bad address: %v", err)
		}
		id, err := rq.Submit(ctx, healthHead, lifecycle.NewRequest{Kind: lifecycle.ErrorReport, FactID: res.FactID,
			Body: "The birth date contradicts the maternity record."})
		if err != nil {
			t.Fatal(err)
		}
		if err := rq.Answer(ctx, healthHead, id, "no"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("health answered: %v", err)
		}
		if err := rq.Answer(ctx, admin, id, "Justice will check the act and correct it."); err != nil {
			t.Fatal(err)
		}
		// A mother's complaint about her child, with her address.
		cid, err := rq.Submit(ctx, mother, lifecycle.NewRequest{Kind: lifecycle.Complaint, ChildID: res.ChildID, Subject: "School",
			Body: "The school refuses to enrol my son.", ReplyEmail: "aynur@example.test"})
		if err != nil {
			t.Fatal(err)
		}
		if err := rq.Answer(ctx, admin, cid, "The ministry has been asked to act."); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Requests(ctx, store.RequestFilter{Sender: "justice"}); len(got) != 1 || got[0].State != "answered" {
			t.Errorf("justice's reports about its records = %+v", got)
		}
		r, _ := st.RequestByID(ctx, cid)
		if len(r.Events) != 2 || r.Events[1].What != "answered" {
			t.Errorf("history = %+v", r.Events)
		}
		// The mailer sends what is queued through the SMTP server.
		before := len(box.to("it@justice.test"))
		n, err := lifecycle.NewMailer(st, addr, "databank@test", "", "", slog.New(slog.DiscardHandler), nil).Once(ctx)
		if err != nil || n < 4 {
			t.Fatalf("sent %d, %v", n, err)
		}
		if got := box.to("it@justice.test"); len(got) != before+1 || !strings.Contains(got[len(got)-1], "Justice will check") {
			t.Errorf("justice's mail: %q", got)
		}
		if got := box.to("aynur@example.test"); len(got) == 0 || !strings.Contains(got[len(got)-1], "Subject: =?utf-8?q?") && !strings.Contains(got[len(got)-1], "Subject: [Data Bank]") {
			t.Errorf("the mother's mail: %q", got)
		}
		if again, _ := lifecycle.NewMailer(st, addr, "databank@test", "", "", slog.New(slog.DiscardHandler), nil).Once(ctx); again != 0 {
			t.Errorf("sent %d again", again)
		}
	})
}
