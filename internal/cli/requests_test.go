package cli_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/scfwca/databank/internal/store"
)

// mailbox is an SMTP server on loopback keeping the messages it gets.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{b: b}, nil }
func (b *mailbox) all() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.msgs, "\n----\n")
}

type mailSession struct {
	b  *mailbox
	to string
}

func (s *mailSession) Reset()                                    {}
func (s *mailSession) Logout() error                             { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, "To "+s.to+"\n"+string(b))
	s.b.mu.Unlock()
	return err
}

// TestErrorReportThroughThePages: the Ministry of Health's head reports,
// from a child's profile, that a record of the Ministry of Justice is
// wrong; the operator answers in the admin panel; Justice sees the report
// and the answer among the reports about its records, and both ministries
// get the answer by e-mail through the configured SMTP server.
func TestErrorReportThroughThePages(t *testing.T) {
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "databank.db")
	base, _, logs := startBoth(t, ctx, db, "--exchange-insecure", "--demo", "--demo-children", "20", "--smtp-addr", ln.Addr().String())
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(logs.String(), "demo: loaded"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the demo did not load")
		}
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var childFIN string
	st.DB().QueryRow(`SELECT fin FROM profiles WHERE fin <> '' ORDER BY child_id LIMIT 1`).Scan(&childFIN)

	admin := loginAs(t, base, "1AK0001")
	for org, email := range map[string]string{"justice": "it@justice.test", "health": "it@health.test"} {
		if status, _ := postPage(t, admin, "/admin/orgs/"+org+"/email", url.Values{"email": {email}}); status != http.StatusSeeOther {
			t.Fatalf("setting %s's e-mail: %d", org, status)
		}
	}
	if status, page := postPage(t, admin, "/admin/orgs/health/email?lang=en", url.Values{"email": {"nope"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="org-email-error">Not an e-mail address`) {
		t.Errorf("a bad address: %d", status)
	}
	health := loginAs(t, base, "3SH0001")
	_, profile := health.do("GET", "/children/"+childFIN+"?purpose=check&lang=en", nil, nil)
	m := regexp.MustCompile(`/requests/new\?kind=error_report&amp;child=` + childFIN + `&amp;fact=(\d+)`).FindStringSubmatch(profile)
	if m == nil {
		t.Fatal("the profile offers no error report")
	}
	if status, page := postPage(t, health, "/requests?lang=en", url.Values{"kind": {"error_report"}, "child": {childFIN}, "fact": {m[1]}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="body-error"`) {
		t.Errorf("a report without text: %d", status)
	}
	if status, _ := postPage(t, health, "/requests", url.Values{"kind": {"error_report"}, "child": {childFIN}, "fact": {m[1]},
		"body": {"The birth date contradicts the maternity record."}}); status != http.StatusSeeOther {
		t.Fatalf("the report: %d", status)
	}
	var id string
	st.DB().QueryRow(`SELECT id FROM requests WHERE kind = 'error_report'`).Scan(&id)
	if status, queue := admin.do("GET", "/admin/requests?lang=en", nil, nil); status != 200 || !strings.Contains(queue, `id="answer-btn-`+id+`"`) {
		t.Errorf("the operator's queue: %d", status)
	}
	if status, _ := postPage(t, admin, "/admin/requests/"+id, url.Values{"answer": {"Justice will check the act."}}); status != http.StatusSeeOther {
		t.Fatalf("the answer: %d", status)
	}
	_, justiceList := loginAs(t, base, "3ED0001").do("GET", "/requests?lang=en", nil, nil)
	if !strings.Contains(justiceList, "Error reports about your organisation") || !strings.Contains(justiceList, "Justice will check the act.") {
		t.Error("justice does not see the report about its record with the answer")
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		all := box.all()
		if strings.Contains(all, "To it@justice.test") && strings.Contains(all, "To it@health.test") && strings.Contains(all, "Justice will check the act.") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the e-mails did not arrive: %s", all)
		}
	}
}
