package store_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// wholeIndex matches a step of a SQLite plan that reads a whole table, or
// the part of an index that a single value of a column with a handful of
// values selects (every FIN of the registry, every fact of a sender):
// work that grows with the registry, on the path every record takes.
var wholeIndex = regexp.MustCompile(`^SCAN |\((kind|sender|category|status|care_status|action|is_current|region)=\?\)$`)

// TestWritePathReadsThroughIndexes stores random batches, set-based and a
// record at a time, on SQLite, and then asks SQLite for the plan of every
// statement the writing transactions prepared: none may read a whole
// table, or all of one kind of key. The projection once asked for a
// child's FIN by kind and child, and SQLite's planner took the primary key
// (kind, value): every FIN of the registry read for every batch, which
// slowed ingestion more and more as the registry grew.
func TestWritePathReadsThroughIndexes(t *testing.T) {
	day := 0
	now := func() time.Time { return t0.AddDate(0, 0, day) }
	for _, oneAtATime := range []bool{false, true} {
		st := storetest.Open(t, store.SQLite, now)
		if oneAtATime {
			store.RecordAtATime(st)
		}
		for b, batch := range randomBatches() {
			day = b
			if _, err := st.SubmitEach(ctx, batch, audit.Entry{Actor: actor, Action: "exchange.batch", Detail: "{}"}); err != nil {
				t.Fatal(err)
			}
		}
		plans, err := store.WritePlans(st)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for q, plan := range plans {
			verb, rest, _ := strings.Cut(strings.TrimSpace(q), " ")
			var table string
			switch verb {
			case "SELECT", "WITH":
			case "UPDATE":
				table, _, _ = strings.Cut(rest, " ")
			case "DELETE":
				table, _, _ = strings.Cut(strings.TrimPrefix(rest, "FROM "), " ")
			default:
				// An INSERT's plan lists the foreign-key checks SQLite
				// runs only when deferred constraints are outstanding.
				continue
			}
			checked++
			for _, step := range plan {
				if table != "" && !strings.Contains(step, " "+table+" ") {
					continue // an UPDATE's foreign-key checks, as above
				}
				if wholeIndex.MatchString(step) {
					t.Errorf("record at a time %v: %s\nreads %q", oneAtATime, q, step)
				}
			}
		}
		if checked < 10 {
			t.Fatalf("only %d statements checked: the test no longer sees the write path", checked)
		}
	}
}
