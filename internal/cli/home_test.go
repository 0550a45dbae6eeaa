package cli_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestHomeShowsWhatNeedsAttention: a ministry's head sees the answer
// awaited from her organisation and the new thread; the operator's
// administrator the things to watch; the auditor the audit chain.
func TestHomeShowsWhatNeedsAttention(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	health := loginAs(t, base, "3SH0001")
	if status, _ := health.postForm("/threads", url.Values{"subject": {"Peyvənd cədvəli"}, "orgs": {"education"},
		"body": {"Məktəblərin peyvənd cədvəlini göndərin"}, "awaiting": {"education"}, "due": {"2099-01-31"}}); status != http.StatusSeeOther {
		t.Fatalf("opening a thread: %d", status)
	}
	_, home := loginAs(t, base, "3TH0001").do("GET", "/?lang=en", nil, nil)
	awaited := home[strings.Index(home, `id="awaited"`):]
	awaited = awaited[:strings.Index(awaited, "</section>")]
	if !strings.Contains(awaited, "Peyvənd cədvəli") || !strings.Contains(awaited, "31 Jan 2099") {
		t.Errorf("education's home does not show the awaited answer:\n%s", awaited)
	}
	if !strings.Contains(home, "New thread") || !strings.Contains(home, "1 unread messages") {
		t.Errorf("education's home does not show the new thread and the unread message")
	}
	_, ownHome := health.do("GET", "/?lang=en", nil, nil)
	if strings.Contains(ownHome[strings.Index(ownHome, `id="awaited"`):], "Peyvənd cədvəli</strong>") {
		t.Error("health's home shows its own question as awaited from it")
	}
	_, adminHome := loginAs(t, base, "1AK0001").do("GET", "/?lang=en", nil, nil)
	for _, want := range []string{"Pairs that may be one child", "Webhooks whose delivery fails", "Entries in the audit log"} {
		if !strings.Contains(adminHome, want) {
			t.Errorf("the administrator's home lacks %q", want)
		}
	}
	_, auditorHome := loginAs(t, base, "7DT0001").do("GET", "/?lang=en", nil, nil)
	if !strings.Contains(auditorHome, "Entries in the audit log") || strings.Contains(auditorHome, "Pairs that may be one child") {
		t.Error("the auditor's home should show the audit chain and no child data")
	}
}
