package population

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

var testToday = category.MustDate("2026-11-20")

// stream generates n children and returns every item, serialised with its
// sender, as one byte stream.
func stream(t testing.TB, n int, seed int64) []byte {
	var buf bytes.Buffer
	err := Generate(Options{Children: n, Seed: seed, Today: testToday}, func(items []registry.Item) error {
		for _, it := range items {
			fmt.Fprintf(&buf, "%s|%s|%s|%s|%s\n", it.From.Participant, it.From.Actor.ID, it.From.BatchID,
				it.From.ReceivedAt.Format(time.RFC3339Nano), it.Raw)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	a, b := stream(t, 400, 7), stream(t, 400, 7)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	if c := stream(t, 400, 8); bytes.Equal(a, c) {
		t.Fatal("a different seed gives the same population")
	}
}

func TestGenerateStopsAtChildren(t *testing.T) {
	for _, n := range []int{0, 1, 37} {
		births, foreign := 0, 0
		err := Generate(Options{Children: n, Seed: 3, Today: testToday}, func(items []registry.Item) error {
			for _, it := range items {
				r := decode(t, it)
				switch {
				case r.Category == "birth_registration":
					births++
				case r.Category == "unaccompanied_minor":
					foreign++
				}
			}
			return nil
		})
		if err != nil || births+foreign != n {
			t.Errorf("Children %d: %d children generated, err %v", n, births+foreign, err)
		}
	}
	if err := Generate(Options{Children: 1}, func([]registry.Item) error { return nil }); err == nil {
		t.Error("no error without Today")
	}
}

// TestLoadValidates loads children through a real registry on SQLite: every
// record must pass the exchange API's validation.
func TestLoadValidates(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "db.sqlite"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	now := time.Date(testToday.Year, testToday.Month, testToday.Day, 12, 0, 0, 0, category.Baku)
	reg := registry.New(st, func() time.Time { return now })
	var seen []int
	opt := Options{Children: 300, Seed: 11, Today: testToday}
	if err := Load(ctx, reg, opt, func(n int) { seen = append(seen, n) }); err != nil {
		t.Fatal(err)
	}
	if len(seen) < 2 || seen[len(seen)-1] != 300 {
		t.Errorf("progress reported %v, want several calls ending at 300", seen)
	}
	records := 0
	if err := Generate(opt, func(items []registry.Item) error { records += len(items); return nil }); err != nil {
		t.Fatal(err)
	}
	var children, facts int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM children`).Scan(&children); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM facts`).Scan(&facts); err != nil {
		t.Fatal(err)
	}
	if children != 300 || facts != records {
		t.Errorf("stored %d children and %d facts, want 300 and %d", children, facts, records)
	}
	// Loading again changes nothing: source ids are stable.
	if err := Load(ctx, reg, opt, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM facts`).Scan(&facts); err != nil {
		t.Fatal(err)
	}
	if facts != records {
		t.Errorf("after a second load %d facts, want %d", facts, records)
	}
}

// TestRecordsValidate checks many more records than TestLoadValidates,
// without a database: each envelope and payload against the category's
// rules with the child's birth date, and each sender's competence.
func TestRecordsValidate(t *testing.T) {
	today := testToday
	competence := map[string]participant.Participant{}
	for _, p := range participant.Defaults() {
		competence[p.Code] = p
	}
	for seed := int64(100); seed < 102; seed++ {
		failures := 0
		err := Generate(Options{Children: 5000, Seed: seed, Today: today}, func(items []registry.Item) error {
			for _, it := range items {
				var r registry.Record
				if errs := category.Decode(it.Raw, &r, category.Context{Today: today}, ""); len(errs) > 0 {
					t.Errorf("seed %d: envelope %s: %v", seed, it.Raw, errs)
					failures++
					continue
				}
				cat, ok := category.Lookup(r.Category)
				sender, known := competence[it.From.Participant]
				if !ok || !known || !sender.MaySend(cat) {
					t.Errorf("seed %d: %s may not send %s", seed, it.From.Participant, r.Category)
				}
				vctx := category.Context{Today: today, BirthDate: r.Child.BirthDate, Effective: r.EffectiveDate}
				if _, err := cat.Validate(r.Data, vctx, "data"); err != nil {
					t.Errorf("seed %d: %s %s: %v\n%s", seed, r.Category, r.SourceID, err, it.Raw)
					failures++
				}
				if failures > 10 {
					return fmt.Errorf("too many failures")
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// rec is a decoded record with its sender.
type rec struct {
	registry.Record
	sender   string
	received time.Time
}

func decode(t testing.TB, it registry.Item) rec {
	var r registry.Record
	if err := json.Unmarshal(it.Raw, &r); err != nil {
		t.Fatal(err)
	}
	return rec{Record: r, sender: it.From.Participant, received: it.From.ReceivedAt}
}

func payload[T any](t testing.TB, r rec) T {
	var v T
	if err := json.Unmarshal(r.Data, &v); err != nil {
		t.Fatalf("%s %s: %v", r.Category, r.SourceID, err)
	}
	return v
}

var finPattern = regexp.MustCompile(`^[A-HJ-NP-Z0-9]{7}$`)

// kid is what the statistics need of one child.
type kid struct {
	birth       category.Date
	lastCheckup category.Date
	cats        map[string]int
	repatriate  bool
}

func TestStatistics(t *testing.T) {
	const n = 5000
	kids := map[string]*kid{}
	var order []string
	families, tsaFamilies := 0, 0
	owner := map[string]string{} // FIN → the person it was given to
	claim := func(fin, who string) {
		if !finPattern.MatchString(fin) {
			t.Errorf("invalid FIN %q (%s)", fin, who)
		}
		if o, ok := owner[fin]; ok && o != who {
			t.Errorf("FIN %s given to %s and to %s", fin, o, who)
		}
		owner[fin] = who
	}
	sources := map[string]bool{}
	certs := map[string]bool{}
	cards := map[string]bool{}
	var baku, placed, disabled, noCheckup, alive int
	lastDay := testToday.AddDays(-1)
	midnight := time.Date(testToday.Year, testToday.Month, testToday.Day, 0, 0, 0, 0, category.Baku)
	err := Generate(Options{Children: n, Seed: 42, Today: testToday}, func(items []registry.Item) error {
		families++
		fathers := map[string]category.Parent{}
		var births []category.BirthRegistration
		hasTSA := false
		for _, it := range items {
			r := decode(t, it)
			key := r.Child.FIN + r.Child.ResidencePermit + r.Child.RefugeeCard
			k := kids[key]
			if k == nil {
				k = &kid{birth: r.Child.BirthDate, cats: map[string]int{}}
				kids[key] = k
				order = append(order, key)
			}
			k.cats[r.Category]++
			if id := r.sender + "/" + r.Category + "/" + r.SourceID; sources[id] {
				t.Errorf("source id %s sent twice", id)
			} else {
				sources[id] = true
			}
			if r.EffectiveDate.After(lastDay) || r.EffectiveDate.Before(k.birth) {
				t.Errorf("%s %s takes effect on %s", r.Category, r.SourceID, r.EffectiveDate)
			}
			if !r.received.Before(midnight) || category.Today(r.received).Before(r.EffectiveDate) || r.received.Location() != time.UTC {
				t.Errorf("%s %s effective %s received at %s", r.Category, r.SourceID, r.EffectiveDate, r.received)
			}
			switch r.Category {
			case "birth_registration":
				b := payload[category.BirthRegistration](t, r)
				claim(b.FIN, "child "+b.Name.Given+" "+b.BirthDate.String())
				if c := b.Certificate.Series + b.Certificate.Number; certs[c] {
					t.Errorf("birth certificate %s twice", c)
				} else {
					certs[c] = true
				}
				if it, _ := classifier.Districts.Lookup(b.BirthPlace.District); it.Parent == "baki" {
					baku++
				}
				births = append(births, b)
			case "identity_card":
				if c := payload[category.IdentityCard](t, r).Number; cards[c] {
					t.Errorf("identity card %s twice", c)
				} else {
					cards[c] = true
				}
			case "father", "mother":
				p := payload[category.Parent](t, r)
				claim(p.FIN, r.Category+" "+p.Name.Given+" "+p.Name.Family+" "+p.BirthDate.String())
				if r.Category == "father" {
					fathers[r.Child.FIN] = p
				}
			case "guardianship":
				for _, gd := range payload[category.Guardianship](t, r).Guardians {
					claim(gd.FIN, "guardian "+gd.Name.Given+" "+gd.Name.Family+" "+gd.Name.Patronymic)
				}
			case "targeted_social_assistance":
				hasTSA = true
			case "offences_by_child":
				o := payload[category.OffenceByChild](t, r)
				if k.birth.AgeOn(o.OffenceDate) < 14 {
					t.Errorf("offence at %d", k.birth.AgeOn(o.OffenceDate))
				}
			case "unaccompanied_minor":
				u := payload[category.UnaccompaniedMinor](t, r)
				k.repatriate = u.Placement == "repatriated"
				if r.Child.FIN != "" || r.Child.ResidencePermit+r.Child.RefugeeCard == "" {
					t.Errorf("unaccompanied minor keyed by %+v", r.Child)
				}
			case "health_checkup":
				h := payload[category.HealthCheckup](t, r)
				if h.Disability != nil {
					k.cats["disabled"]++
				}
				k.lastCheckup = later(k.lastCheckup, h.Date)
			case "pension_benefits":
				if payload[category.PensionBenefit](t, r).BenefitType == "disability_child" {
					k.cats["disabled"]++
				}
			}
		}
		for _, b := range births {
			checkNames(t, b, fathers[b.FIN])
		}
		if hasTSA {
			tsaFamilies++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != n {
		t.Fatalf("%d children, want %d", len(kids), n)
	}
	byAge := make([]int, 18)
	var care, guardianship int
	for _, key := range order {
		k := kids[key]
		age := k.birth.AgeOn(testToday)
		if age < 0 || age > 17 {
			t.Fatalf("child aged %d", age)
		}
		byAge[age]++
		if age >= 6 && k.cats["schooling"] == 0 && !k.repatriate {
			t.Errorf("child %s aged %d has no schooling", key, age)
		}
		if k.cats["parental_care_registry"] > 0 {
			care++
			if k.cats["guardianship"] > 0 {
				guardianship++
			}
		}
		if k.cats["guardianship"] > 0 {
			placed++
		}
		if k.cats["disabled"] > 0 {
			disabled++
		}
		if k.cats["death"] == 0 {
			alive++
			if k.lastCheckup.Before(testToday.AddDays(-365)) {
				noCheckup++
			}
		}
	}
	for age, c := range byAge {
		if share := pct(c, n); share < 4 || share > 7.5 {
			t.Errorf("age %d: %.2f %% of children", age, share)
		}
	}
	within := func(what string, v, lo, hi float64) {
		t.Logf("%s: %.2f %%", what, v)
		if v < lo || v > hi {
			t.Errorf("%s: %.2f %%, want %.1f–%.1f %%", what, v, lo, hi)
		}
	}
	within("Bakı", pct(baku, n), 20, 26)
	within("register of children deprived of parental care", pct(care, n), 1, 2.5)
	within("of those, in guardianship, custody or a family", pct(guardianship, care), 60, 95)
	within("families on targeted assistance", pct(tsaFamilies, families), 3, 5)
	within("disability", pct(disabled, n), 0.5, 1.6)
	within("living children with no check-up in 12 months", pct(noCheckup, alive), 3, 7)
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(b) }

// checkNames checks that a child's family name follows the father's, in
// the child's gender, and the patronymic is the father's given name.
func checkNames(t *testing.T, b category.BirthRegistration, father category.Parent) {
	t.Helper()
	if father.FIN != b.FatherFIN {
		t.Errorf("child %s: father %s, birth record says %s", b.FIN, father.FIN, b.FatherFIN)
		return
	}
	fam, child := father.Name.Family, b.Name.Family
	switch {
	case b.Sex == "male" && child != fam:
		t.Errorf("boy %s %s, father %s", b.Name.Given, child, fam)
	case b.Sex == "female" && (strings.HasSuffix(fam, "ov") || strings.HasSuffix(fam, "ev")) && child != fam+"a":
		t.Errorf("girl %s %s, father %s", b.Name.Given, child, fam)
	case b.Sex == "female" && !strings.HasSuffix(fam, "ov") && !strings.HasSuffix(fam, "ev") && child != fam:
		t.Errorf("girl %s %s, father %s", b.Name.Given, child, fam)
	}
	want := father.Name.Given + " oğlu"
	if b.Sex == "female" {
		want = father.Name.Given + " qızı"
	}
	if b.Name.Patronymic != want {
		t.Errorf("child %s: patronymic %q, want %q", b.FIN, b.Name.Patronymic, want)
	}
}

func BenchmarkGenerate(b *testing.B) {
	children := 0
	for i := 0; b.Loop(); i++ {
		err := Generate(Options{Children: 1000, Seed: int64(i), Today: testToday}, func([]registry.Item) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		children += 1000
	}
	b.ReportMetric(float64(children)/b.Elapsed().Seconds(), "children/s")
}
