package cli_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// viewport is a screen the pages are checked on.
type viewport struct {
	name string
	w, h int64
}

// phoneViewports are a small phone (360 × 740) and a desktop.
var phoneViewports = []viewport{{"phone", 360, 740}, {"desktop", 1280, 800}}

// pageCheck is what phoneAudit measures on a page, in the browser.
type pageCheck struct {
	Lang        string   `json:"lang"`
	ScrollWidth float64  `json:"scrollWidth"`
	InnerWidth  float64  `json:"innerWidth"`
	H1          string   `json:"h1"`
	H1Visible   bool     `json:"h1Visible"`
	Unlabelled  []string `json:"unlabelled"`
	Small       []string `json:"small"`
	Path        string   `json:"path"`
	Wide        []string `json:"wide"` // what sticks out when the page is too wide
}

// phoneAudit measures the page in the browser. A form control is labelled
// by a label[for] naming it with some text, by a label around it, or by a
// non-empty aria-label. A touch target is a link or button in main or in a
// nav that is rendered; it must be at least 44 CSS pixels high (app.css:
// "Touch targets are at least 44 px"), unless it is a link inside running
// text: an inline link sharing its line with words (letters or digits)
// that belong to no other link or button, the exception WCAG 2.5.8 makes
// for targets in a sentence. A row of links separated only by "·" is not a
// sentence, so each of them must be 44 px high.
const phoneAudit = `(() => {
  const de = document.documentElement;
  const r = {lang: de.lang, scrollWidth: de.scrollWidth, innerWidth: window.innerWidth, h1: "", h1Visible: false,
    unlabelled: [], small: [], path: location.pathname + location.search};
  const desc = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "") +
    (el.getAttribute("href") ? "[href=" + el.getAttribute("href").slice(0, 60) + "]" : "") +
    ' "' + (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40) + '"';
  const h1 = document.querySelector("main h1");
  if (h1) {
    const b = h1.getBoundingClientRect(), s = getComputedStyle(h1);
    r.h1 = h1.textContent.trim().replace(/\s+/g, " ");
    r.h1Visible = b.width > 0 && b.height > 0 && s.visibility === "visible" && Number(s.opacity) > 0 &&
      b.bottom > 0 && b.right > 0 && b.left < window.innerWidth;
  }
  if (de.scrollWidth > window.innerWidth) {
    // What sticks out: the innermost elements past the right edge.
    const out = el => el.getBoundingClientRect().right > window.innerWidth;
    r.wide = [...document.body.querySelectorAll("*")].filter(el => out(el) && ![...el.children].some(out))
      .slice(0, 5).map(el => desc(el) + " right=" + el.getBoundingClientRect().right.toFixed(0));
  }
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    const byFor = el.id && [...document.querySelectorAll("label[for]")].some(l => l.htmlFor === el.id && l.textContent.trim() !== "");
    const around = el.closest("label") && el.closest("label").textContent.trim() !== "";
    const aria = (el.getAttribute("aria-label") || "").trim() !== "";
    if (!byFor && !around && !aria) r.unlabelled.push(desc(el));
  }
  const words = /[\p{L}\p{N}]/u;
  const inSentence = el => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) return false;
    const rects = [...el.getClientRects()];
    const walk = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!words.test(n.data) || n.parentElement.closest("a, button")) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const t of range.getClientRects()) {
        for (const l of rects) {
          if (Math.min(t.bottom, l.bottom) - Math.max(t.top, l.top) > Math.min(t.height, l.height) / 2) return true;
        }
      }
    }
    return false;
  };
  for (const el of document.querySelectorAll("main a[href], main button, nav a[href], nav button")) {
    const b = el.getBoundingClientRect();
    if (b.width === 0 && b.height === 0) continue; // not rendered
    if (b.height >= 44 || inSentence(el)) continue;
    r.small.push(desc(el) + " " + b.height.toFixed(1) + "px");
  }
  return r;
})()`

// TestPhone checks issue 7's pages on a 360 × 740 phone and on a desktop,
// in headless Chromium against one served demo: the open-data catalogue
// and its first dataset anonymously; then, as the operator's
// administrator and as the head of the Ministry of Education, the report
// builder (a region × age band cross-tab built through the form, its
// table and chart), the annual reports and the data quality pages. Every
// page must fit the phone's width, label each control, give 44 px touch
// targets, carry its language in html lang and show its h1; each is also
// switched to English and Russian, whose h1 must differ.
func TestPhone(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, true, "--exchange-addr", "", "--demo", "--demo-children", "200").base
	bctx := chrome(t)
	// The browser starts on the test's context; each step below runs on
	// a shorter one, so a step that waits for nothing fails soon.
	if err := chromedp.Run(bctx); err != nil {
		t.Fatal(err)
	}

	// run runs tasks and, on failure, stops the test saying where, with a
	// screenshot taken from a context that outlives the deadline.
	run := func(what string, tasks ...chromedp.Action) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Run(ctx, tasks...); err != nil {
			var loc, main string
			lctx, lcancel := context.WithTimeout(context.WithoutCancel(bctx), 10*time.Second)
			chromedp.Run(lctx, chromedp.Location(&loc), screenshot(t, "pages-failed"),
				chromedp.Evaluate(`(document.querySelector("main") || document.body).innerText`, &main))
			lcancel()
			t.Fatalf("%s: %v (at %s)\n%.500s", what, err, loc, main)
		}
	}
	// check audits the page the browser shows, as lang, and saves it as
	// .ci/artifacts/pages-VIEWPORT-NAME-LANG.png.
	check := func(vp viewport, name string, lang string) pageCheck {
		t.Helper()
		var c pageCheck
		run(name, chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
			chromedp.Poll(`document.readyState === "complete"`, nil),
			chromedp.Evaluate(phoneAudit, &c),
			screenshot(t, "pages-"+vp.name+"-"+name+"-"+lang))
		where := vp.name + " " + c.Path + " (" + lang + ")"
		if c.Lang != lang {
			t.Errorf("%s: html lang=%q", where, c.Lang)
		}
		if c.ScrollWidth > c.InnerWidth {
			t.Errorf("%s: the page is %v px wide on a %v px screen: %q", where, c.ScrollWidth, c.InnerWidth, c.Wide)
		}
		if c.H1 == "" || !c.H1Visible {
			t.Errorf("%s: h1 %q is not visible", where, c.H1)
		}
		for _, u := range c.Unlabelled {
			t.Errorf("%s: no label for %s", where, u)
		}
		for _, s := range c.Small {
			t.Errorf("%s: touch target under 44 px: %s", where, s)
		}
		return c
	}
	// languages checks the page in Azerbaijani, then switches it to
	// English and Russian through the header's links, as people do, and
	// back to Azerbaijani; each language must have its own h1.
	languages := func(vp viewport, name string) {
		t.Helper()
		h1 := map[string]string{}
		for _, lang := range []string{"az", "en", "ru"} {
			if lang != "az" {
				run(name+" in "+lang, chromedp.Click(`a[hreflang=`+lang+`]`, chromedp.ByQuery),
					chromedp.WaitReady(`html[lang="`+lang+`"]`, chromedp.ByQuery))
			}
			h1[lang] = check(vp, name, lang).H1
		}
		run(name+" back in az", chromedp.Click(`a[hreflang=az]`, chromedp.ByQuery),
			chromedp.WaitReady(`html[lang="az"]`, chromedp.ByQuery))
		if h1["az"] == h1["en"] || h1["az"] == h1["ru"] || h1["en"] == h1["ru"] {
			t.Errorf("%s %s: the h1 is not translated: %q", vp.name, name, h1)
		}
	}
	// visitHere checks the page the browser shows; on the phone in all
	// three languages.
	visitHere := func(vp viewport, name string) {
		t.Helper()
		if vp.name == "phone" {
			languages(vp, name)
		} else {
			check(vp, name, "az")
		}
	}
	// visit opens a page of the site and checks it.
	visit := func(vp viewport, name, path string) {
		t.Helper()
		run(name, chromedp.Navigate(base+path))
		visitHere(vp, name)
	}
	login := func(person, to string) {
		t.Helper()
		run("signing in as "+person, chromedp.Navigate(base+"/login?return="+to),
			chromedp.WaitVisible(`button[name=persona]`, chromedp.ByQuery),
			chromedp.Click(`//button[contains(., "`+person+`")]`, chromedp.BySearch),
			chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
	}
	logout := func() {
		t.Helper()
		run("signing out", chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`a[href="/login?return=/"]`, chromedp.ByQuery))
	}

	run("start", chromedp.Navigate(base+"/?lang=az"))

	// Anyone: the catalogue, then its first dataset, opened by a tap.
	var dataset string
	for _, vp := range phoneViewports {
		run("viewport", chromedp.EmulateViewport(vp.w, vp.h))
		visit(vp, "open", "/open")
		run("the first dataset", chromedp.Click(`#datasets li:first-child a.card`, chromedp.ByQuery),
			chromedp.WaitVisible(`#open-table`, chromedp.ByID), chromedp.Location(&dataset))
		if !regexp.MustCompile(`/open/[a-z0-9_-]+$`).MatchString(dataset) {
			t.Errorf("the first dataset's card leads to %s", dataset)
		}
		visitHere(vp, "open-dataset")
		var chart int
		run("the dataset's chart", chromedp.Evaluate(`document.querySelectorAll("#chart svg").length`, &chart))
		if chart != 1 {
			t.Errorf("%s: the dataset page has %d charts", vp.name, chart)
		}
	}

	// Signed in: the operator's administrator defines this year's annual
	// report form for every participant, on the phone, so that the annual
	// pages have a year, a reporting rate and a report to fill in.
	login("Leyla Həsənova", "/annual")
	var defined string
	run("defining the annual form", chromedp.EmulateViewport(360, 740),
		chromedp.Click(`#annual-define`, chromedp.ByID),
		chromedp.WaitVisible(`#definition`, chromedp.ByID),
		choose(`#target`, "kind:participant"),
		chromedp.Click(`#define-save`, chromedp.ByID),
		chromedp.WaitVisible(`#rate`, chromedp.ByID),
		chromedp.Location(&defined))
	year := regexp.MustCompile(`/annual/(\d{4})\b`).FindStringSubmatch(defined)
	if year == nil {
		t.Fatalf("defining the annual form led to %s", defined)
	}

	// Then the administrator and a participant's head go through the pages.
	for _, who := range []struct{ person, tag string }{{"Leyla Həsənova", "admin"}, {"Aynur Hüseynova", "head"}} {
		if who.tag != "admin" {
			logout()
			login(who.person, "/reports")
		}
		for _, vp := range phoneViewports {
			run("viewport", chromedp.EmulateViewport(vp.w, vp.h))
			tag := who.tag + "-"
			visit(vp, tag+"reports", "/reports")
			crossTab(t, base, vp, who.tag, run)
			visitHere(vp, tag+"reports-result")
			if vp.name == "phone" {
				// Saved under a name typed on the phone, the report is
				// listed on the builder (the desktop's visit above sees it).
				name := "Rayon və yaş " + who.tag
				run("saving the report", chromedp.SendKeys(`#save-name`, name, chromedp.ByID),
					chromedp.Click(`#save`, chromedp.ByID),
					chromedp.WaitVisible(`//ul[@id="saved"]//a[contains(., "`+name+`")]`, chromedp.BySearch))
				visitHere(vp, tag+"reports-saved")
			}
			visit(vp, tag+"annual", "/annual")
			if who.tag == "admin" {
				// The year's card leads to its reporting rate, and that to
				// a participant's report.
				run("the year's rate", chromedp.Click(`#year-`+year[1], chromedp.ByID), chromedp.WaitVisible(`#rate`, chromedp.ByID))
				visitHere(vp, tag+"annual-year")
				run("a participant's report", chromedp.Click(`#p-education a`, chromedp.ByQuery), chromedp.WaitVisible(`#state`, chromedp.ByID))
				visitHere(vp, tag+"annual-report")
				visit(vp, tag+"annual-define", "/annual/define")
			} else {
				// The report's card leads to the form to fill in.
				run("the report", chromedp.Click(`#report-`+year[1]+` a`, chromedp.ByQuery), chromedp.WaitVisible(`#annual-save`, chromedp.ByID))
				visitHere(vp, tag+"annual-report")
			}
			visit(vp, tag+"quality", "/quality")
			if who.tag == "admin" {
				run("a participant's quality", chromedp.Click(`#q-education th a`, chromedp.ByQuery), chromedp.WaitVisible(`#timeliness`, chromedp.ByID))
				visitHere(vp, tag+"quality-org")
			}
		}
	}
}

// crossTab builds a region × age band cross-tab on the report builder as
// a person does: choosing the rows and the columns in their selects with
// the keyboard, then pressing the button; the result must show the
// table, with a row per economic region and a column per age band, and
// the chart.
func crossTab(t *testing.T, base string, vp viewport, who string, run func(string, ...chromedp.Action)) {
	t.Helper()
	var grand, src string
	var rows, cols int
	var chartWidth float64
	run("building the cross-tab", chromedp.Navigate(base+"/reports?lang=az"),
		chromedp.WaitVisible(`#builder`, chromedp.ByID),
		choose(`#row1`, "region"),
		choose(`#col1`, "age_band"))
	run("running the cross-tab",
		chromedp.Click(`#run`, chromedp.ByID),
		chromedp.WaitVisible(`#report-table`, chromedp.ByID),
		chromedp.WaitVisible(`#chart`, chromedp.ByID),
		chromedp.Text(`#grand-total`, &grand, chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll("#report-table tbody tr").length`, &rows),
		chromedp.Evaluate(`document.querySelectorAll("#report-table thead th").length`, &cols),
		chromedp.Evaluate(`(() => { const i = document.querySelector("#chart"); return i.complete ? i.naturalWidth : 0 })()`, &chartWidth),
		chromedp.AttributeValue(`#chart`, "src", &src, nil, chromedp.ByID),
	)
	where := fmt.Sprintf("%s %s", who, vp.name)
	if n := strings.Trim(grand, " \u00a0"); n == "" || n == "0" {
		t.Errorf("%s: the cross-tab's grand total is %q", where, grand)
	}
	// 14 economic regions; the row heading, 5 age bands and the total.
	if rows != 14 || cols != 7 {
		t.Errorf("%s: the cross-tab has %d rows and %d header cells; want 14 and 7", where, rows, cols)
	}
	if chartWidth == 0 {
		t.Errorf("%s: the chart %.80s did not load", where, src)
	}
}

// choose picks an option of a closed select as a person does with the
// keyboard: focus it, then press the down arrow until it shows the option
// whose value is value.
func choose(sel, value string) chromedp.ActionFunc {
	return func(ctx context.Context) error {
		if err := chromedp.Focus(sel, chromedp.ByQuery).Do(ctx); err != nil {
			return err
		}
		var last string
		for range 200 {
			var v string
			if err := chromedp.Value(sel, &v, chromedp.ByQuery).Do(ctx); err != nil {
				return err
			}
			if v == value {
				return nil
			}
			if v == last && last != "" {
				break // the last option
			}
			last = v
			if err := chromedp.KeyEvent(kb.ArrowDown).Do(ctx); err != nil {
				return err
			}
		}
		return fmt.Errorf("%s has no option %q reachable with the down arrow (stopped at %q)", sel, value, last)
	}
}
