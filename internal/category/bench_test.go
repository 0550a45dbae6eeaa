package category_test

import (
	"testing"

	"github.com/scfwca/databank/internal/category"
)

// BenchmarkValidate measures decoding, checking and canonicalising one
// payload, the per-record cost of ingestion.
func BenchmarkValidate(b *testing.B) {
	for _, c := range []*category.Category{category.CatBirthRegistration, category.CatSchooling, category.CatHealthCheckup} {
		raw := c.Examples()[0]
		ctx := category.Context{Today: today, BirthDate: category.MustDate("2014-01-01"), Effective: today}
		b.Run(c.Code, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.Canonical(raw, ctx, "data"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
