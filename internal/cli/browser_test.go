package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scfwca/databank/internal/store"
)

// chromium finds the browser the tests drive: Debian's chromium, which
// .ci/run installs when it is missing.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium: .ci/run installs Debian's chromium package")
	}
	t.Skip("Chromium is not installed (apt-get install chromium)")
	return ""
}

// artifacts is where CI keeps the screenshots: .ci/artifacts at the top
// of the repository.
func artifacts(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", ".ci", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser drives the e-cabinet in headless Chromium as people do, on
// a phone and on a desktop: the head of the Ministry of Health logs in
// through the single sign-on, finds a child by a romanised spelling of its
// name, opens its profile, states a purpose to see its health data, and
// switches the language.
func TestBrowser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, true, "--exchange-addr", "", "--demo", "--demo-children", "60").base
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fin, family string
	err = st.DB().QueryRow(`SELECT fin, family_name FROM profiles WHERE fin <> '' AND categories & $1 <> 0 ORDER BY child_id LIMIT 1`,
		int64(1)<<15).Scan(&fin, &family) // a child with a health check-up, a sensitive category
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	for _, vp := range []struct {
		name string
		w, h int64
	}{{"phone", 375, 812}, {"desktop", 1280, 800}} {
		t.Run(vp.name, func(t *testing.T) {
			bctx := chrome(t)
			shot := func(name string) chromedp.ActionFunc { return screenshot(t, vp.name+"-"+name) }
			var title, hello, results, profileName, withheld, opened, english string
			err = chromedp.Run(bctx,
				chromedp.EmulateViewport(vp.w, vp.h),
				chromedp.Navigate(base+"/?lang=az"),
				chromedp.WaitVisible(`a.button`),
				chromedp.Title(&title),
				shot("1-landing"),
				chromedp.Click(`a.button`),
				// The development provider's page: choose the head of the Ministry of Health.
				chromedp.WaitVisible(`button[name=persona]`),
				shot("2-sign-in"),
				chromedp.Click(`//button[contains(., "Fuad Cəfərov")]`, chromedp.BySearch),
				chromedp.WaitVisible(`#q`),
				chromedp.Text(`h1`, &hello),
				shot("3-home"),
				// Find the child by the English romanisation of its family name.
				chromedp.SendKeys(`#q`, romanise(family)),
				chromedp.Submit(`#q`),
				chromedp.WaitVisible(`#results`),
				chromedp.Text(`#results`, &results),
				shot("4-search"),
				chromedp.Click(`#results a.card`, chromedp.ByQuery),
				chromedp.WaitVisible(`#child-name`),
				chromedp.Text(`#child-name`, &profileName),
				chromedp.Text(`.purpose`, &withheld),
				shot("5-profile"),
				chromedp.SetValue(`#reason`, "health_followup", chromedp.ByID),
				chromedp.SendKeys(`#purpose`, "iş 2026/118"),
				chromedp.Submit(`#purpose`),
				chromedp.WaitVisible(`details.health`, chromedp.ByQuery), // shown only once the purpose is given
				chromedp.TextContent(`main`, &opened, chromedp.ByQuery),
				shot("6-profile-purpose"),
				chromedp.Click(`a[hreflang=en]`, chromedp.ByQuery),
				chromedp.WaitReady(`html[lang="en"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`details.health`, chromedp.ByQuery),
				chromedp.TextContent(`main`, &english, chromedp.ByQuery),
				shot("7-profile-en"),
			)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(title, "Uşaq Hüquqları Məlumat Bankı") {
				t.Errorf("landing title %q is not in Azerbaijani", title)
			}
			if !strings.Contains(hello, "Fuad Cəfərov") {
				t.Errorf("home greets %q", hello)
			}
			if !strings.Contains(results, family) {
				t.Errorf("searching %q did not find %q: %s", romanise(family), family, results)
			}
			if !strings.Contains(profileName, family) {
				t.Errorf("profile shows %q", profileName)
			}
			if !strings.Contains(withheld, "gizlidir") {
				t.Errorf("no purpose prompt: %q", withheld)
			}
			if !strings.Contains(opened, "Tibbi müayinə") || strings.Contains(opened, "Təhsil aldığı məktəb") {
				t.Errorf("with a purpose, Health should see the check-up and not the schooling: %.400s", opened)
			}
			if !strings.Contains(english, "Sent by") || !strings.Contains(english, "Birth certificate") || !strings.Contains(english, "Health check-up") {
				t.Errorf("the English page: %.300s", english)
			}
		})
	}
}

// romanise writes an Azerbaijani name the way an English form would.
func romanise(s string) string {
	return strings.NewReplacer("ə", "a", "Ə", "A", "ş", "sh", "Ş", "Sh", "ç", "ch", "Ç", "Ch", "ğ", "gh", "ı", "i",
		"İ", "I", "ö", "o", "Ö", "O", "ü", "u", "Ü", "U", "x", "kh", "q", "g", "Q", "G").Replace(s)
}
