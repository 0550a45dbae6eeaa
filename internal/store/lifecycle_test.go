package store_test

import (
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// birthOf is a birth registration of a child born on a date.
func birthOf(f, born string) store.Submission {
	return fact("justice", "birth_registration", "br-"+f, `{"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"`+born+
		`","birth_place":{"district":"sabail"},"citizenship":"AZE"}`, fin(f))
}

// TestArchiveAt18 archives exactly the children who are 18 on the day,
// closes the dead, records each run, and restores a profile whose birth
// date is corrected to make the child a minor again.
func TestArchiveAt18(t *testing.T) {
	today := category.MustDate("2026-11-23")
	clock := func() time.Time { return today.Time().Add(time.Minute) }
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		for fin, born := range map[string]string{"1AA0001": "2008-11-23", "1AA0002": "2008-11-24", "1AA0003": "2010-01-01"} {
			if _, err := st.Submit(ctx, birthOf(fin, born)); err != nil {
				t.Fatal(err)
			}
		}
		dead := fact("justice", "death", "d-1", `{"date":"2026-10-01","place":{"district":"sabail"}}`, fin("1AA0003"))
		if _, err := st.Submit(ctx, dead); err != nil {
			t.Fatal(err)
		}
		run, err := st.Archive(ctx, today, "test", "by hand")
		if err != nil || run.Archived != 1 || run.Closed != 1 {
			t.Fatalf("run = %+v, %v; want one archived (18 today) and one closed", run, err)
		}
		status := func(f string) profileStatus {
			id, _ := st.FindChild(ctx, fin(f))
			sum, s, _ := st.StoredSummary(ctx, id)
			return profileStatus{s, sum.ArchivedReason}
		}
		if got := status("1AA0001"); got != (profileStatus{"archived", "age18"}) {
			t.Errorf("18 today: %+v", got)
		}
		if got := status("1AA0002"); got.status != "active" {
			t.Errorf("18 tomorrow: %+v", got)
		}
		if got := status("1AA0003"); got != (profileStatus{"archived", "death"}) {
			t.Errorf("dead: %+v", got)
		}
		if again, _ := st.Archive(ctx, today, "test", "by hand"); again.Archived != 0 || again.Closed != 0 {
			t.Errorf("a second run archived again: %+v", again)
		}
		if runs, _ := st.ArchiveRuns(ctx, 10); len(runs) != 2 || runs[1].Archived != 1 {
			t.Errorf("runs = %+v", runs)
		}
		// A new fact about an archived child keeps it archived.
		if _, err := st.Submit(ctx, fact("health", "medical_registration", "mr-1", `{"clinic":"X"}`, fin("1AA0001"))); err != nil {
			t.Fatal(err)
		}
		if got := status("1AA0001"); got.status != "archived" {
			t.Errorf("a new fact unarchived the child: %+v", got)
		}
		// The birth date corrected: a minor again, the profile comes back.
		if _, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1AA0001", `{"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"2009-02-01","birth_place":{"district":"sabail"},"citizenship":"AZE"}`, fin("1AA0001"))); err != nil {
			t.Fatal(err)
		}
		if got := status("1AA0001"); got.status != "active" || got.reason != "" {
			t.Errorf("after the correction: %+v; want active again", got)
		}
	})
}

type profileStatus struct{ status, reason string }

// TestLeaseKeepsOneRunner: while a server holds the job's lease another
// cannot take it; released or expired, it can.
func TestLeaseKeepsOneRunner(t *testing.T) {
	now := t0
	storetest.Each(t, func() time.Time { return now }, func(t *testing.T, st *store.Store) {
		if ok, err := st.AcquireLease(ctx, "job", "a", time.Minute); !ok || err != nil {
			t.Fatalf("a: %v %v", ok, err)
		}
		if ok, _ := st.AcquireLease(ctx, "job", "b", time.Minute); ok {
			t.Error("b took a held lease")
		}
		if ok, _ := st.AcquireLease(ctx, "job", "a", time.Minute); !ok {
			t.Error("a could not prolong its lease")
		}
		st.ReleaseLease(ctx, "job", "a")
		if ok, _ := st.AcquireLease(ctx, "job", "b", time.Minute); !ok {
			t.Error("b could not take a released lease")
		}
		now = now.Add(2 * time.Minute)
		if ok, _ := st.AcquireLease(ctx, "job", "c", time.Minute); !ok {
			t.Error("c could not take an expired lease")
		}
		now = t0
	})
}
