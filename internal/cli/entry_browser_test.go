package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scfwca/databank/internal/store"
)

// TestBrowserDataEntry walks issue 5's "done when" on a phone: a school
// officer logs in, finds a child, enters a schooling record (first
// incomplete, to see the errors next to the fields), signs it on the
// stand-in for the phone, and sees it on the profile with its source;
// the child's mother then sees that read in her access log.
func TestBrowserDataEntry(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, true, "--exchange-addr", "", "--demo", "--demo-children", "30").base
	st, _ := store.Open(db, store.Options{})
	var fin, mother string
	st.DB().QueryRow(`SELECT fin, mother_fin FROM profiles WHERE fin <> '' AND birth_date < '2015-01-01' ORDER BY child_id LIMIT 1`).Scan(&fin, &mother)
	st.Close()

	bctx := chrome(t)
	shot := func(name string) chromedp.ActionFunc { return screenshot(t, "entry-"+name) }
	var firstTry, invalid, keptSchool, code, phoneCode, saved, profile, entryURL, reads string
	err := chromedp.Run(bctx,
		chromedp.EmulateViewport(375, 812),
		chromedp.Navigate(base+"/?lang=az"),
		chromedp.Navigate(base+"/login?return=/children/"+fin),
		chromedp.WaitVisible(`button[name=persona]`, chromedp.ByQuery),
		chromedp.Click(`//button[contains(., "Tural Abbasov")]`, chromedp.BySearch), // the Ministry of Education's officer
		chromedp.WaitVisible(`#child-name`, chromedp.ByID),
		shot("0-profile"),
		chromedp.WaitVisible(`#enter`, chromedp.ByID),
		chromedp.Click(`#enter`, chromedp.ByID),
		chromedp.WaitVisible(`a[href$="category=schooling"]`, chromedp.ByQuery),
		chromedp.Click(`a[href$="category=schooling"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#school`, chromedp.ByID),
		// An incomplete record: the server names every missing field and keeps what was typed.
		chromedp.SendKeys(`#school`, "Bakı şəhəri 20 nömrəli tam orta məktəb", chromedp.ByID),
		chromedp.Click(`#sign-entry`, chromedp.ByID),
		chromedp.WaitVisible(`p.error[role=alert]`, chromedp.ByQuery),
		chromedp.TextContent(`form.entry`, &firstTry, chromedp.ByQuery),
		chromedp.AttributeValue(`#level`, "aria-invalid", &invalid, nil, chromedp.ByID),
		chromedp.Value(`#school`, &keptSchool, chromedp.ByID),
		shot("1-errors"),
		chromedp.SetValue(`#effective_date`, "2026-09-15", chromedp.ByID),
		chromedp.SetValue(`#address\.district`, "sabail", chromedp.ByQuery),
		chromedp.SetValue(`#level`, "full_secondary", chromedp.ByID),
		chromedp.SetValue(`#form`, "full_time", chromedp.ByID),
		chromedp.SetValue(`#language`, "az", chromedp.ByID),
		chromedp.SetValue(`#grade`, "10", chromedp.ByID),
		chromedp.SetValue(`#since`, "2026-09-15", chromedp.ByID),
		chromedp.Click(`#sign-entry`, chromedp.ByID),
		// The signing step: a code to compare on the phone.
		chromedp.WaitVisible(`#code`, chromedp.ByID),
		chromedp.Text(`#code`, &code, chromedp.ByID),
		chromedp.Location(&entryURL),
		shot("2-sign"),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var href string
			if err := chromedp.AttributeValue(`#dev-signer`, "href", &href, nil, chromedp.ByID).Do(ctx); err != nil {
				return err
			}
			return chromedp.Navigate(base + href).Do(ctx)
		}),
		chromedp.WaitVisible(`#confirm`, chromedp.ByID),
		chromedp.Text(`#code`, &phoneCode, chromedp.ByID),
		chromedp.Click(`#confirm`, chromedp.ByID),
		chromedp.WaitVisible(`#done`, chromedp.ByID),
		chromedp.ActionFunc(func(ctx context.Context) error { return chromedp.Navigate(entryURL).Do(ctx) }),
		chromedp.WaitVisible(`#continue`, chromedp.ByID),
		chromedp.Click(`#continue`, chromedp.ByID),
		chromedp.WaitVisible(`#saved`, chromedp.ByID),
		chromedp.Text(`#saved`, &saved, chromedp.ByID),
		chromedp.TextContent(`main`, &profile, chromedp.ByQuery),
		shot("3-saved"),
		// The child's mother logs in and sees who read her child's data.
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/login?return=/"]`, chromedp.ByQuery), // the landing page
		chromedp.Navigate(base+"/login?return=/children/"+fin+"/reads"),
		chromedp.WaitVisible(`button[name=persona]`, chromedp.ByQuery),
		chromedp.Click(`//button[contains(., "`+mother+`")]`, chromedp.BySearch),
		chromedp.WaitVisible(`#reads`, chromedp.ByID),
		chromedp.TextContent(`#reads`, &reads, chromedp.ByID),
		shot("4-parent-reads"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(firstTry, "Bu sahə mütləqdir") || invalid != "true" || keptSchool != "Bakı şəhəri 20 nömrəli tam orta məktəb" {
		t.Errorf("the incomplete record: invalid=%q kept=%q\n%.400s", invalid, keptSchool, firstTry)
	}
	if len(code) != 4 || code != phoneCode {
		t.Errorf("the page's code %q and the phone's %q differ", code, phoneCode)
	}
	if !strings.Contains(profile, "Bakı şəhəri 20 nömrəli tam orta məktəb") || !strings.Contains(profile, "Elm və Təhsil Nazirliyi") {
		t.Errorf("the profile does not show the record with its source: %.600s", profile)
	}
	if !strings.Contains(reads, "Elm və Təhsil Nazirliyi") {
		t.Errorf("the mother's access log does not show the officer's read: %q", reads)
	}
	// The record was stored once, as a signed batch kept as evidence.
	st, _ = store.Open(db, store.Options{})
	defer st.Close()
	var n, batches int
	st.DB().QueryRow(`SELECT count(*) FROM facts WHERE source_id LIKE 'web-%'`).Scan(&n)
	st.DB().QueryRow(`SELECT count(*) FROM batches WHERE batch_id LIKE 'web-%' AND signature <> '' AND signer_subject LIKE '%4TH0001%'`).Scan(&batches)
	if n != 1 || batches != 1 {
		t.Errorf("%d web records and %d signed batches; want 1 and 1", n, batches)
	}
}
