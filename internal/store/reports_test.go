package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestSavedReports: a name is one definition per owner, replaced when
// saved again; an organisation sees its own only.
func TestSavedReports(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, err := st.SaveReport(ctx, "1AA0001", "education", "Məktəblilər", `{"rows":[{"kind":"region"}]}`)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := st.SaveReport(ctx, "1AA0001", "education", "Məktəblilər", `{"rows":[{"kind":"sex"}]}`)
		st.SaveReport(ctx, "1AA0002", "health", "Xəstələr", `{"rows":[{"kind":"age"}]}`)
		if a != b {
			t.Errorf("saving under the same name made a new report: %d, %d", a, b)
		}
		list, err := st.SavedReports(ctx, "education")
		if err != nil || len(list) != 1 || list[0].Definition != `{"rows":[{"kind":"sex"}]}` || list[0].Name != "Məktəblilər" {
			t.Errorf("saved = %+v %v", list, err)
		}
		if err := st.DeleteSavedReport(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSavedReport(ctx, a); !fault.Is(err, fault.NotFound) {
			t.Errorf("deleting twice: %v", err)
		}
		if _, err := st.SavedReport(ctx, a); !fault.Is(err, fault.NotFound) {
			t.Errorf("a deleted report: %v", err)
		}
	})
}

// TestReportJobClaims: of many servers reaching for the queued jobs at
// once, each job goes to exactly one, oldest first.
func TestReportJobClaims(t *testing.T) {
	storetest.Each(t, time.Now, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const jobs, servers = 6, 4
		for range jobs {
			if _, err := st.CreateReportJob(ctx, store.ReportJob{Kind: "crosstab", Format: "json", Definition: "{}", Params: "{}",
				OwnerFIN: "1AA0001"}, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		got := map[int64]string{}
		var wg sync.WaitGroup
		for i := range servers {
			holder := string(rune('a' + i))
			wg.Go(func() {
				for {
					j, err := st.ClaimReportJob(ctx, holder, time.Minute)
					if fault.Is(err, fault.NotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if prev, dup := got[j.ID]; dup {
						t.Errorf("job %d claimed by %s and %s", j.ID, prev, holder)
					}
					got[j.ID] = holder
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(got) != jobs {
			t.Errorf("%d jobs claimed of %d", len(got), jobs)
		}
		for id, holder := range got {
			if err := st.FinishReportJob(ctx, id, holder, []byte("x"), "text/plain", "r.txt", "", time.Now().Add(time.Hour)); err != nil {
				t.Errorf("finishing job %d: %v", id, err)
			}
			if b, err := st.ReportJobResult(ctx, id); err != nil || string(b) != "x" {
				t.Errorf("result of %d: %q %v", id, b, err)
			}
		}
	})
}
