package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/store"
)

// TestBrowserAdmin drives the admin panel on a desktop: the operator's
// administrator gives Youth and Sports the competence to send schooling
// records; the evaluator sees the same page read-only; the security
// service's auditor reads the audit log and is refused the panel.
func TestBrowserAdmin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	bctx := chrome(t)
	shot := func(name string) chromedp.ActionFunc { return screenshot(t, "admin-"+name) }
	login := func(name, to string) chromedp.Tasks {
		return chromedp.Tasks{
			chromedp.Navigate(base + "/login?return=" + to),
			chromedp.WaitVisible(`button[name=persona]`, chromedp.ByQuery),
			chromedp.Click(`//button[contains(., "`+name+`")]`, chromedp.BySearch),
		}
	}
	logout := chromedp.Tasks{
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/login?return=/"]`, chromedp.ByQuery),
	}
	var orgs, evaluatorSaveButtons, auditTable, refused, classifiers, staff string
	var disabled bool
	phases := []struct {
		name  string
		tasks chromedp.Tasks
	}{{"administrator", chromedp.Tasks{
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(base + "/?lang=az"),
		login("Leyla Həsənova", "/admin"), // the operator's administrator
		chromedp.WaitVisible(`#orgs`, chromedp.ByID),
		chromedp.TextContent(`#orgs`, &orgs, chromedp.ByID),
		shot("1-orgs"),
		chromedp.Navigate(base + "/admin/orgs/youth_sports"),
		chromedp.WaitVisible(`#matrix`, chromedp.ByID),
		chromedp.Click(`input[name=send][value=schooling]`, chromedp.ByQuery),
		chromedp.Click(`#save-rights`, chromedp.ByID),
		chromedp.WaitVisible(`#saved[data-what=rights]`, chromedp.ByQuery),
		shot("2-org-saved"),
		chromedp.Navigate(base + "/admin/classifiers"),
		chromedp.WaitVisible(`#list-district`, chromedp.ByID),
		chromedp.TextContent(`#list-district`, &classifiers, chromedp.ByID),
		logout,
	}}, {"evaluator", chromedp.Tasks{
		login("Kamran Vəliyev", "/admin/orgs/youth_sports"), // the evaluator
		chromedp.WaitVisible(`#matrix`, chromedp.ByID),
		chromedp.JavascriptAttribute(`input[name=send][value=schooling]`, "disabled", &disabled, chromedp.ByQuery),
		chromedp.Evaluate(`String(document.querySelectorAll("#save-rights").length)`, &evaluatorSaveButtons),
		shot("3-evaluator"),
		logout,
	}}, {"auditor", chromedp.Tasks{
		login("Emil Rüstəmov", "/admin/audit"), // the security service's auditor
		chromedp.WaitVisible(`#audit`, chromedp.ByID),
		chromedp.TextContent(`#audit`, &auditTable, chromedp.ByID),
		shot("4-audit"),
		chromedp.Navigate(base + "/admin"),
		chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
		chromedp.TextContent(`main`, &refused, chromedp.ByQuery),
		chromedp.Navigate(base + "/"),
		logout,
	}}, {"head", chromedp.Tasks{
		// The head of the Ministry of Education registers an officer and grants a right.
		login("Aynur Hüseynova", "/org"),
		chromedp.WaitVisible(`#register`, chromedp.ByID),
		chromedp.SendKeys(`#reg-fin`, "4QQ0009", chromedp.ByID),
		chromedp.Click(`#register`, chromedp.ByID),
		chromedp.WaitVisible(`#saved[data-what=staff]`, chromedp.ByQuery),
		chromedp.SetValue(`#g-fin`, "4QQ0009", chromedp.ByID),
		chromedp.SetValue(`#g-cat`, "schooling", chromedp.ByID),
		chromedp.Click(`#grant`, chromedp.ByID),
		chromedp.WaitVisible(`#saved[data-what=grant]`, chromedp.ByQuery),
		chromedp.TextContent(`main`, &staff, chromedp.ByQuery),
		shot("5-head-org"),
	}}}
	for _, ph := range phases {
		if err := chromedp.Run(bctx, ph.tasks); err != nil {
			// Where it stopped, from a context that outlives the deadline.
			var loc string
			lctx, lcancel := context.WithTimeout(context.WithoutCancel(bctx), 10*time.Second)
			chromedp.Run(lctx, chromedp.Location(&loc), shot("failed-"+ph.name))
			lcancel()
			t.Fatalf("%s: %v (at %s)", ph.name, err, loc)
		}
	}
	if !strings.Contains(orgs, "Gənclər və İdman Nazirliyi") || !strings.Contains(orgs, "commission.sabail") {
		t.Errorf("organisations: %.300s", orgs)
	}
	st, _ := store.Open(db, store.Options{})
	defer st.Close()
	p, err := st.Participant(context.Background(), "youth_sports")
	if err != nil || !p.MaySend(category.CatSchooling) || !p.MaySend(category.CatSportsAchievements) {
		t.Errorf("youth_sports after the change: %+v, %v", p, err)
	}
	if !disabled || evaluatorSaveButtons != "0" {
		t.Errorf("the evaluator can change the matrix: disabled=%v buttons=%s", disabled, evaluatorSaveButtons)
	}
	if !strings.Contains(auditTable, "participant.rights") || !strings.Contains(auditTable, "1AK0001") {
		t.Errorf("the audit log does not show the change: %.400s", auditTable)
	}
	if !strings.Contains(classifiers, "Gədəbəy") || !strings.Contains(classifiers, "Gadabay") {
		t.Errorf("the district classifier: %.200s", classifiers)
	}
	if g, err := st.Grants(context.Background(), "education", "4QQ0009"); err != nil || len(g) != 1 || g[0].Category != "schooling" || !g[0].Read {
		t.Errorf("the head's grant: %+v, %v", g, err)
	}
	if !strings.Contains(staff, "4QQ0009") {
		t.Errorf("the registered officer is not listed: %.300s", staff)
	}
	if !strings.Contains(refused, "İdarəetmə paneli yalnız") {
		t.Errorf("the auditor was not refused the panel: %.200s", refused)
	}
}
