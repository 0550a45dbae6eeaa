package store_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestSetBasedBatchesStoreWhatRecordsOneAtATimeWould sends the same
// random batches to two stores, one deciding each batch as a set and one
// taking its records one at a time, and requires the same outcomes and the
// same tables. The batches are made to meet every rule of identity: keys
// shared between children, keyless records, records re-sent unchanged or
// changed or moved to another child, retractions of records held and not
// held, a new effective date for the same content, guardianships ending
// as the days pass, and a batch naming one record twice.
func TestSetBasedBatchesStoreWhatRecordsOneAtATimeWould(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			// A day passes between batches, so that guardianships end.
			day := 0
			now := func() time.Time { return t0.AddDate(0, 0, day) }
			set, one := storetest.Open(t, e, now), storetest.Open(t, e, now)
			store.RecordAtATime(one)
			storeBothWays(t, set, one, &day, now)
			var facts, candidates int
			set.DB().QueryRow(`SELECT count(*) FROM facts`).Scan(&facts)
			set.DB().QueryRow(`SELECT count(*) FROM match_candidates`).Scan(&candidates)
			if facts < 300 || candidates == 0 {
				t.Errorf("the batches stored %d facts and %d candidate pairs; the test meant more of both", facts, candidates)
			}
			if n := store.SetBatches(set); n != 29 {
				t.Errorf("the set-based path took %d batches; want all but the one naming a record twice", n)
			}
			if _, err := set.VerifyAudit(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestSetBasedBatchMeetingALateClaimIsStoredRecordAtATime has the set-based
// path meet, on SQLite, a key claimed after it decided the batch — which
// only a trigger can do, the writer holding the lock — and checks that the
// whole transaction is run again a record at a time, leaving nothing of
// the first attempt: without a savepoint, the children it wrote before
// meeting the claim must go with the rollback.
func TestSetBasedBatchMeetingALateClaimIsStoredRecordAtATime(t *testing.T) {
	day := 0
	now := func() time.Time { return t0.AddDate(0, 0, day) }
	set, one := storetest.Open(t, store.SQLite, now), storetest.Open(t, store.SQLite, now)
	store.RecordAtATime(one)
	for _, st := range []*store.Store{set, one} {
		// A birth certificate AZ-1… is claimed for the first child as the
		// batch inserts it, as a concurrent transaction would.
		if _, err := st.DB().Exec(`CREATE TRIGGER claim BEFORE INSERT ON child_keys
			WHEN NEW.value LIKE 'AZ-1%' AND EXISTS (SELECT 1 FROM children)
			BEGIN
				INSERT OR IGNORE INTO child_keys (kind, value, child_id)
				VALUES (NEW.kind, NEW.value, (SELECT min(id) FROM children));
			END`); err != nil {
			t.Fatal(err)
		}
	}
	storeBothWays(t, set, one, &day, now)
	if n := store.SetBatches(set); n == 0 || n >= 29 {
		t.Errorf("the set-based path took %d batches; want some, and some met a claim", n)
	}
}

// storeBothWays stores randomBatches in set, by the set-based path, and in
// one, a record at a time, a day apart, and fails unless both give the
// same outcomes and store the same rows.
func storeBothWays(t *testing.T, set, one *store.Store, day *int, now func() time.Time) {
	t.Helper()
	// PostgreSQL does not give back the ids a rolled-back savepoint
	// took, so ids are compared by order of first appearance.
	setIDs, oneIDs := newOrdinals(), newOrdinals()
	for b, batch := range randomBatches() {
		*day = b
		entry := audit.Entry{Actor: actor, Action: "exchange.batch", Detail: fmt.Sprintf(`{"batch":"b-%d"}`, b)}
		got, err := set.SubmitEach(ctx, batch, entry)
		if err != nil {
			t.Fatalf("batch %d, set-based: %v", b, err)
		}
		want, err := one.SubmitEach(ctx, batch, entry)
		if err != nil {
			t.Fatalf("batch %d, record at a time: %v", b, err)
		}
		for i := range batch {
			g, w := outcome(got[i], setIDs), outcome(want[i], oneIDs)
			if g != w {
				t.Fatalf("batch %d record %d (%s): set-based %s, record at a time %s", b, i, batch[i].Fact.SourceID, g, w)
			}
		}
		for _, d := range tableDumps {
			g, w := dump(t, set, d, setIDs), dump(t, one, d, oneIDs)
			if !slices.Equal(g, w) {
				t.Fatalf("after batch %d, %s\nset-based:\n%s\nrecord at a time:\n%s", b, d.query, strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
		}
		projectedAsFactsSay(t, set, now())
	}
}

// projectedAsFactsSay holds every stored profile to profile.Project over
// its child's current facts, read whole: both paths share the store's
// projection, which reads only what the summary needs. The care status
// is left out: it depends on the day the profile is projected on, and a
// profile that only gained categories keeps the one it had.
func projectedAsFactsSay(t *testing.T, st *store.Store, now time.Time) {
	t.Helper()
	rows, err := st.DB().Query(`SELECT child_id FROM profiles ORDER BY child_id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		c, err := st.LoadChild(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var current []profile.Fact
		for _, f := range c.Facts {
			if f.Current && f.Action == profile.Upsert {
				current = append(current, f)
			}
		}
		fin := ""
		for _, k := range c.Keys {
			if k.Kind == profile.KeyFIN {
				fin = k.Value // the last, as keys come in order
			}
		}
		want := profile.Project(current, fin, c.Hints, category.Today(now))
		want.CareStatus = c.Summary.CareStatus
		want.Status = "active"
		if want.Deceased {
			want.Status = "deceased"
		}
		if c.Summary != want {
			t.Fatalf("child %d: stored %+v\nfrom its facts %+v", id, c.Summary, want)
		}
	}
}

// ordinals number the ids of children and facts of one store in the
// order they first appear.
type ordinals struct{ child, fact map[int64]int }

func newOrdinals() ordinals { return ordinals{map[int64]int{0: 0}, map[int64]int{0: 0}} }

func ordinal(m map[int64]int, id int64) int {
	if n, ok := m[id]; ok {
		return n
	}
	m[id] = len(m)
	return m[id]
}

// outcome renders a record's outcome for comparison.
func outcome(e store.Each, ids ordinals) string {
	if e.Err != nil {
		return "refused " + string(fault.KindOf(e.Err))
	}
	r := e.Result
	cands := make([]int, len(r.Candidates))
	for i, c := range r.Candidates {
		cands[i] = ordinal(ids.child, c)
	}
	return fmt.Sprintf("%s child %d fact %d candidates %v", r.Status, ordinal(ids.child, r.ChildID), ordinal(ids.fact, r.FactID), cands)
}

// randomBatch makes a batch of 40 records about a small pool of children,
// so that keys collide; with dup, the batch names one record twice.
// randomBatches returns thirty random batches from a fixed seed, each
// made knowing the records sent before it; the eighteenth names a record
// twice. A day is meant to pass between two of them.
func randomBatches() [][]store.Submission {
	rng := rand.New(rand.NewPCG(7, 11))
	var sent []store.Submission
	var batches [][]store.Submission
	for b := range 30 {
		batch := randomBatch(rng, sent, b == 17)
		sent = append(sent, batch...)
		batches = append(batches, batch)
	}
	return batches
}

func randomBatch(rng *rand.Rand, sent []store.Submission, dup bool) []store.Submission {
	senders := []string{"justice", "health", "education"}
	var out []store.Submission
	used := map[string]bool{}
	for len(out) < 40 {
		var sub store.Submission
		switch r := rng.IntN(10); {
		case r < 2 && len(sent) > 0: // a record sent before: again, changed, moved or retracted
			prev := sent[rng.IntN(len(sent))]
			sub = prev
			switch rng.IntN(5) {
			case 1:
				sub.Fact.Payload = childPayload(rng, sub.Fact.Category)
			case 2:
				sub.Keys = []profile.Key{randomKey(rng)}
			case 3:
				sub.Fact.Action, sub.Fact.Payload = profile.Retract, nil
			case 4:
				sub.Fact.EffectiveDate = sub.Fact.EffectiveDate.AddDays(1)
			}
		case r < 3: // the retraction of a record never sent
			sub = record(rng, senders[rng.IntN(3)], "birth_registration", fmt.Sprintf("never-%d", rng.IntN(1e6)))
			sub.Fact.Action, sub.Fact.Payload = profile.Retract, nil
		case r < 4: // a keyless record: a name, a birth date, a mother
			sub = record(rng, "health", "medical_registration", fmt.Sprintf("mr-%d", rng.IntN(1e6)))
			sub.Keys = nil
			sub.Hints = profile.Hints{
				Name:      category.PersonName{Given: []string{"Əli", "Aysel", "Nərmin"}[rng.IntN(3)], Family: "Məmmədov"},
				BirthDate: category.MustDate(fmt.Sprintf("2016-03-%02d", 1+rng.IntN(3))),
				MotherFIN: "3MN8P4Q",
			}
		default:
			cats := []string{"birth_registration", "mother", "identity_card", "medical_registration", "guardianship"}
			sender := senders[rng.IntN(3)]
			sub = record(rng, sender, cats[rng.IntN(len(cats))], fmt.Sprintf("%s-%d", sender, rng.IntN(400)))
			switch rng.IntN(8) {
			case 0, 1: // a second key, which may belong to another child
				sub.Keys = append(sub.Keys, profile.Key{Kind: profile.KeyBirthCertificate, Value: fmt.Sprintf("AZ-%d", rng.IntN(60))})
			case 2: // a new FIN for the child of a known certificate
				sub.Keys = []profile.Key{fin(fmt.Sprintf("9%06d", rng.IntN(1e6))),
					{Kind: profile.KeyBirthCertificate, Value: fmt.Sprintf("AZ-%d", rng.IntN(60))}}
			}
		}
		id := sub.Fact.Sender + "/" + sub.Fact.Category + "/" + sub.Fact.SourceID
		if used[id] {
			continue
		}
		used[id] = true
		rehash(&sub)
		out = append(out, sub)
	}
	if dup {
		again := out[3]
		again.Fact.Payload = childPayload(rng, again.Fact.Category)
		rehash(&again)
		out = append(out, again)
	}
	return out
}

func record(rng *rand.Rand, sender, cat, source string) store.Submission {
	sub := fact(sender, cat, source, "{}", randomKey(rng))
	sub.Fact.Payload = childPayload(rng, cat)
	return sub
}

func randomKey(rng *rand.Rand) profile.Key {
	return fin(fmt.Sprintf("%07d", rng.IntN(80)))
}

// childPayload is a payload of the fields the summary reads.
func childPayload(rng *rand.Rand, cat string) []byte {
	districts := []string{"sabail", "nasimi", "ganja", "lankaran"}
	d := districts[rng.IntN(len(districts))]
	switch cat {
	case "birth_registration":
		return fmt.Appendf(nil, `{"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"2016-03-%02d","birth_place":{"district":%q},"citizenship":"AZE"}`, 1+rng.IntN(3), d)
	case "mother":
		return fmt.Appendf(nil, `{"fin":"%07d","name":{"given":"Aynur","family":"Məmmədova"}}`, rng.IntN(1e6))
	case "guardianship":
		return fmt.Appendf(nil, `{"form":"custody","end":%q}`, t0.AddDate(0, 0, rng.IntN(30)).Format(time.DateOnly))
	case "identity_card":
		return fmt.Appendf(nil, `{"residence":{"address":{"district":%q}}}`, d)
	}
	return fmt.Appendf(nil, `{"clinic":"%d"}`, rng.IntN(9))
}

func rehash(sub *store.Submission) {
	h := fact("", "", "", string(sub.Fact.Payload))
	if sub.Fact.Action == profile.Retract {
		h = fact("", "", "", "")
	}
	sub.Fact.ContentHash = h.Fact.ContentHash
}

// tableDump is a query over a table and which of its columns hold the ids
// of children and of facts.
type tableDump struct {
	query        string
	child, facts []int
}

var tableDumps = []tableDump{
	{`SELECT id, hint_given, hint_birth_date, hint_mother_fin, coalesce(merged_into, 0) FROM children ORDER BY id`, []int{0, 4}, nil},
	{`SELECT kind, value, child_id FROM child_keys ORDER BY kind, value`, []int{2}, nil},
	{`SELECT id, child_id, category, sender, source_id, action, effective_date, coalesce(payload, ''), content_hash,
		coalesce(supersedes, 0), is_current FROM facts ORDER BY id`, []int{1}, []int{0, 9}},
	{`SELECT child_id, fin, given_name, family_name, name_key, birth_date, sex, citizenship, region, district, care_status,
		mother_fin, father_fin, categories, status FROM profiles ORDER BY child_id`, []int{0}, nil},
	{`SELECT child_id, candidate_id, reason FROM match_candidates ORDER BY child_id, candidate_id`, []int{0, 1}, nil},
}

// dump returns the rows of a query as lines, ids replaced by ordinals.
func dump(t *testing.T, st *store.Store, d tableDump, ids ordinals) []string {
	t.Helper()
	rows, err := st.DB().Query(d.query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, c := range d.child {
			vals[c] = ordinal(ids.child, vals[c].(int64))
		}
		for _, c := range d.facts {
			vals[c] = ordinal(ids.fact, vals[c].(int64))
		}
		out = append(out, fmt.Sprint(vals...))
	}
	sort.Strings(out)
	return out
}

// TestConcurrentBatchesOverSharedChildren runs batches from two senders
// at once, over the same children, each touching them in its own order
// and in both ways a batch projects (from stored facts, and by adding a
// category's bit). On PostgreSQL both run at once: none may fail, as a
// deadlock between them would make it.
func TestConcurrentBatchesOverSharedChildren(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		const n = 150
		var first []store.Submission
		for i := range n {
			first = append(first, fact("justice", "birth_registration", fmt.Sprintf("br-%d", i), birth, fin(fmt.Sprintf("%07d", i))))
		}
		if _, err := st.SubmitEach(ctx, first, audit.Entry{Actor: actor, Action: "exchange.batch", Detail: "{}"}); err != nil {
			t.Fatal(err)
		}
		for round := range 4 {
			errs := make(chan error, 2)
			for s, sender := range []string{"health", "education"} {
				var subs []store.Submission
				for j := range n {
					i := j
					if s == 1 {
						i = n - 1 - j // the other order
					}
					cat := "medical_registration" // a bit
					if (i+round+s)%2 == 0 {
						cat = "identity_card" // a projection
					}
					payload := fmt.Sprintf(`{"residence":{"address":{"district":"sabail"}},"round":%d}`, round)
					subs = append(subs, fact(sender, cat, fmt.Sprintf("%s-%d-%d", sender, i, round), payload, fin(fmt.Sprintf("%07d", i))))
				}
				go func() {
					out, err := st.SubmitEach(ctx, subs, audit.Entry{Actor: actor, Action: "exchange.batch", Detail: "{}"})
					for _, o := range out {
						if err == nil && o.Err != nil {
							err = o.Err
						}
					}
					errs <- err
				}()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
		}
		c, err := st.Count(ctx)
		if err != nil || c.Children != n || c.Facts != n+2*4*n {
			t.Errorf("counts = %+v, %v", c, err)
		}
	})
}

// TestDeadlockedTransactionIsRetried makes two transactions wait for each
// other's row on PostgreSQL: the server aborts one, and it runs again.
func TestDeadlockedTransactionIsRetried(t *testing.T) {
	st := storetest.Open(t, store.Postgres, clock())
	if _, err := st.DB().Exec(`INSERT INTO databank_meta (key, value) VALUES ('a', ''), ('b', '')`); err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	var holding sync.WaitGroup
	holding.Add(2)
	run := func(first, second string) error {
		try := 0
		return store.TxRetried(st, func(tx *sql.Tx) error {
			attempts.Add(1)
			try++
			if _, err := tx.Exec(`UPDATE databank_meta SET value = 'x' WHERE key = $1`, first); err != nil {
				return err
			}
			if try == 1 {
				holding.Done()
				holding.Wait() // both hold their first row
			}
			_, err := tx.Exec(`UPDATE databank_meta SET value = 'y' WHERE key = $1`, second)
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- run("a", "b") }()
	go func() { errs <- run("b", "a") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// Both succeeded; at least one had to run again (exactly one when
	// the server picks one victim, as it almost always does).
	if n := attempts.Load(); n < 3 {
		t.Errorf("%d attempts; want the deadlocked one run again", n)
	}
}
