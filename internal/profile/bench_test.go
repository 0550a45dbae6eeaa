package profile

import (
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
)

// BenchmarkProject measures projecting a child's summary from one current
// fact of every category: what each accepted record costs its child.
func BenchmarkProject(b *testing.B) {
	received := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
	var facts []Fact
	for i, c := range category.All() {
		facts = append(facts, Fact{ID: int64(i + 1), Category: c.Code, Sender: "s", SourceID: c.Code, Action: Upsert,
			EffectiveDate: category.MustDate("2025-09-01"), ReceivedAt: received, Payload: c.Examples()[0], Current: true})
	}
	on := category.MustDate("2026-01-10")
	var s Summary
	for b.Loop() {
		s = Project(facts, "5ZK3N2P", Hints{}, on)
	}
	if s.Categories == 0 {
		b.Fatal("no category projected")
	}
}
