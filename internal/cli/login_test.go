package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/store"
)

// TestLoginFlow runs the single sign-on end to end over real HTTP with the
// built-in development provider: a head of the Ministry of Education logs
// in, reads a child's profile through the access policy, and is cut off
// at the next request when the operator suspends them.
func TestLoginFlow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "databank.db")
	if code, _, e := run(t, ctx, db, "migrate"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := run(t, ctx, db, "generate", "--children", "20", "--seed", "3"); code != 0 {
		t.Fatal(e)
	}
	base := serve(t, db, false, "--exchange-addr", "").base

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		// Choose the persona as a person would on the provider's page.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if strings.HasSuffix(req.URL.Path, "/dev-idp/authorize") {
				q := req.URL.Query()
				q.Set("login_hint", "3TH0001") // Aynur Hüseynova, head of the Ministry of Education
				req.URL.RawQuery = q.Encode()
			}
			return nil
		}}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := browser.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// The login may be tried before the server has discovered its own provider.
	deadline := time.Now().Add(10 * time.Second)
	var status int
	var body string
	for {
		status, body = get("/login?return=/api/v1/me")
		if status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var me struct {
		Cabinet   struct{ Person struct{ FIN, Name string } }
		ActingFor string `json:"acting_for"`
		Role      string
	}
	if err := json.Unmarshal([]byte(body), &me); status != 200 || err != nil {
		t.Fatalf("after login: %d %s", status, body)
	}
	if me.Cabinet.Person.FIN != "3TH0001" || me.ActingFor != "education" || me.Role != "org_head" {
		t.Errorf("me = %+v", me)
	}
	// A child's profile, as far as the Ministry of Education may read it.
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var fin string
	st.DB().QueryRow(`SELECT fin FROM profiles WHERE fin <> '' AND birth_date < '2015-01-01' ORDER BY child_id LIMIT 1`).Scan(&fin)
	status, body = get("/api/v1/children/" + url.PathEscape(fin))
	if status != 200 || !strings.Contains(body, `"birth_registration"`) || strings.Contains(body, `"health_checkup"`) {
		t.Errorf("profile as education's head: %d %.300s", status, body)
	}
	// The operator suspends the person: the live session ends at once.
	if err := st.SuspendPerson(ctx, "3TH0001", true, "test", audit.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	if status, body = get("/api/v1/me"); status != http.StatusForbidden {
		t.Errorf("after suspension: %d %s", status, body)
	}
	if status, _ = get("/api/v1/me"); status != http.StatusUnauthorized {
		t.Errorf("the session survived the suspension: %d", status)
	}
	// A callback that does not come from a login this browser started is
	// refused with a page, and creates nothing.
	before, _ := st.Count(ctx)
	status, body = get("/auth/callback?code=forged&state=forged")
	after, _ := st.Count(ctx)
	if status != http.StatusUnauthorized || !strings.Contains(body, "Giriş alınmadı") {
		t.Errorf("forged callback: %d %.200s", status, body)
	}
	var persons, entries int
	st.DB().QueryRow(`SELECT count(*) FROM persons`).Scan(&persons)
	// The server's own background work (the signals raised on the demo
	// population) may write meanwhile; the callback leaves one entry.
	st.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE seq > $1 AND seq <= $2 AND actor_kind <> 'system'`,
		before.Audit, after.Audit).Scan(&entries)
	if persons != 1 || entries != 1 {
		t.Errorf("forged callback: %d persons, %d audit entries", persons, entries)
	}
}
