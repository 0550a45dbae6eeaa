package cli_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/store"
)

// TestCorrectionTravelsToTheSender is the lifecycle's "done when" for
// corrections: a mother asks, from her child's profile, to correct the
// child's birth registration; the operator approves; she sees the
// approval, the profile shows the corrected name, and the Ministry of
// Justice, which sent the record, finds the correction in its feed.
func TestCorrectionTravelsToTheSender(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "databank.db")
	base, exAddr, logs := startBoth(t, ctx, db, "--exchange-insecure", "--demo", "--demo-children", "40")
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
	var motherFIN, childFIN string
	st.DB().QueryRow(`SELECT mother_fin, fin FROM profiles WHERE fin <> '' AND mother_fin <> '' ORDER BY child_id LIMIT 1`).Scan(&motherFIN, &childFIN)

	mother := loginAs(t, base, motherFIN)
	_, profilePage := mother.do("GET", "/children/"+childFIN+"?lang=en", nil, nil)
	link := regexp.MustCompile(`/corrections/new\?child=`+childFIN+`&amp;fact=(\d+)`).FindAllStringSubmatch(profilePage, -1)
	if len(link) == 0 {
		t.Fatal("the profile offers the mother no correction")
	}
	// The birth registration's record: the first of the profile.
	fact := link[0][1]
	_, form := mother.do("GET", "/corrections/new?child="+childFIN+"&fact="+fact+"&lang=en", nil, nil)
	values := url.Values{"child": {childFIN}, "fact": {fact}}
	for _, m := range regexp.MustCompile(`<input id="([^"]+)" name="([^"]+)" type="[a-z]+" value="([^"]*)"`).FindAllStringSubmatch(form, -1) {
		values.Set(m[2], htmlUnescape(m[3]))
	}
	selected := regexp.MustCompile(`<option value="([^"]*)" selected>`)
	for _, m := range regexp.MustCompile(`(?s)<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(form, -1) {
		if o := selected.FindStringSubmatch(m[2]); o != nil {
			values.Set(m[1], o[1])
		}
	}
	given := values.Get("name.given")
	if given == "" {
		t.Fatalf("the form is not filled with the record: %v", values)
	}
	values.Set("name.given", given+"x")
	// Without a note: refused beside the field, what was typed kept.
	if status, page := postPage(t, mother, "/corrections?lang=en", values); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="note-error"`) || !strings.Contains(page, `value="`+given+`x"`) {
		t.Fatalf("a request without a note: %d", status)
	}
	values.Set("note", "The name is written wrong; see the certificate.")
	if status, page := postPage(t, mother, "/corrections?lang=en", values); status != http.StatusSeeOther {
		t.Fatalf("the request: %d %v", status, regexp.MustCompile(`class="error" id="[^"]+">[^<]+`).FindAllString(page, -1))
	}
	var id string
	st.DB().QueryRow(`SELECT id FROM corrections WHERE requester_fin = $1`, motherFIN).Scan(&id)
	admin := loginAs(t, base, "1AK0001")
	if status, _ := postPage(t, admin, "/admin/corrections/"+id, url.Values{"decision": {"approve"}}); status != http.StatusSeeOther {
		t.Fatalf("approval: %d", status)
	}
	if _, page := mother.do("GET", "/corrections?lang=en", nil, nil); !strings.Contains(page, "approved") {
		t.Error("the mother does not see the approval")
	}
	if _, page := mother.do("GET", "/children/"+childFIN+"?lang=en", nil, nil); !strings.Contains(page, given+"x") {
		t.Error("the profile does not show the correction")
	}
	req, _ := http.NewRequest("GET", "http://"+exAddr+"/exchange/v1/feed?after=0&wait=0&limit=1000", nil)
	req.Header.Set("X-Participant", "justice")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var feed struct {
		Changes []struct {
			Sender   string
			FIN      string
			Corrects *struct {
				Sender   string `json:"sender"`
				SourceID string `json:"source_id"`
			}
		}
	}
	json.NewDecoder(resp.Body).Decode(&feed)
	resp.Body.Close()
	found := false
	for _, c := range feed.Changes {
		if c.Corrects != nil && c.Corrects.Sender == "justice" && c.FIN == childFIN && c.Sender == "operator" {
			found = true
		}
	}
	if !found {
		t.Errorf("justice's feed has no correction of its record (%d changes)", len(feed.Changes))
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`).Replace(s)
}
