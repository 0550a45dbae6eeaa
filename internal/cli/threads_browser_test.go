package cli_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scfwca/databank/internal/store/storetest"
)

// postForm posts a form as the signed-in person and returns the status
// and where it was sent.
func (b *browser) postForm(path string, form url.Values) (int, string) {
	b.t.Helper()
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestBrowserCorrespondence opens a thread as the Ministry of Education
// on one server and watches it arrive, live, in the Ministry of Health's
// browser connected to another server on the same PostgreSQL database
// (on SQLite, the same server): first as an unread count, then, on the
// thread's page, the answer itself.
func TestBrowserCorrespondence(t *testing.T) {
	var a, b *served
	if os.Getenv(storetest.PostgresEnv) != "" {
		dsn := storetest.DSN(t, "postgres")
		a = serve(t, dsn, false, "--exchange-addr", "")
		b = serve(t, dsn, false, "--exchange-addr", "")
	} else {
		db := filepath.Join(t.TempDir(), "databank.db")
		a = serve(t, db, false, "--exchange-addr", "")
		b = a
	}
	education := loginAs(t, a.base, "3TH0001")
	bctx := chrome(t)
	shot := func(name string) chromedp.ActionFunc { return screenshot(t, "threads-"+name) }
	if err := chromedp.Run(bctx,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(b.base+"/login?return=/threads&lang=az"),
		chromedp.WaitVisible(`button[name=persona]`, chromedp.ByQuery),
		chromedp.Click(`//button[contains(., "Fuad Cəfərov")]`, chromedp.BySearch), // the head of the Ministry of Health
		chromedp.WaitVisible(`#new-thread`, chromedp.ByID),
		chromedp.WaitReady(`html[data-live]`, chromedp.ByQuery), // following the threads
	); err != nil {
		t.Fatal(err)
	}
	// The thread is opened on the other server.
	status, loc := education.postForm("/threads", url.Values{"subject": {"Uşağın müayinəsi"}, "orgs": {"health"},
		"body": {"Zəhmət olmasa, uşağın son müayinəsinin nəticəsini göndərin."}, "awaiting": {"health"}})
	if status != http.StatusSeeOther || !regexp.MustCompile(`^/threads/\d+$`).MatchString(loc) {
		t.Fatalf("opening a thread: %d %s", status, loc)
	}
	var badge, messages string
	if err := chromedp.Run(bctx,
		chromedp.WaitVisible(`#unread:not([hidden])`, chromedp.ByQuery),
		chromedp.TextContent(`#unread`, &badge, chromedp.ByID),
		shot("1-unread"),
		chromedp.Navigate(b.base+loc),
		chromedp.WaitVisible(`#messages`, chromedp.ByID),
		chromedp.WaitReady(`html[data-live]`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(badge) != "1" {
		t.Errorf("unread badge = %q; want 1", badge)
	}
	// A second message, then the page shows it without reloading.
	if status, _ := education.postForm(loc+"/messages", url.Values{"body": {"Təcili: cavabı sabaha qədər gözləyirik."}}); status != http.StatusSeeOther {
		t.Fatalf("posting: %d", status)
	}
	if err := chromedp.Run(bctx,
		chromedp.WaitVisible(`//li[contains(@class, "live")][contains(., "Təcili")]`, chromedp.BySearch),
		chromedp.TextContent(`#messages`, &messages, chromedp.ByID),
		shot("2-live"),
		// The answer, typed in the browser, goes through the form.
		chromedp.SendKeys(`#body`, "Müayinə 12.11.2026 tarixində olub, nəticə əlavədədir.", chromedp.ByID),
		chromedp.Click(`#send`, chromedp.ByID),
		chromedp.WaitVisible(`//li[contains(@class, "own")][contains(., "nəticə əlavədədir")]`, chromedp.BySearch),
		shot("3-answered"),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(messages, "Zəhmət olmasa") || !strings.Contains(messages, "Təcili") {
		t.Errorf("the thread shows %q", messages)
	}
	// Health answered, so the thread awaiting health is open again.
	if _, body := education.do("GET", loc, nil, nil); !strings.Contains(body, "Açıq") || !strings.Contains(body, "nəticə əlavədədir") {
		t.Errorf("education's view after the answer lacks the open state or the answer")
	}
}
