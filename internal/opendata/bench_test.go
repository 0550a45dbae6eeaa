package opendata

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/store"
)

// BenchmarkCountAndPublish counts and publishes every year of the
// database named by DATABANK_OPEN_BENCH_DB (a SQLite file or a postgres://
// URL, already migrated and populated): the work the cache saves a
// visitor after each change of the data.
//
//	DATABANK_OPEN_BENCH_DB=/tmp/1m.db go test -run - -bench CountAndPublish -benchtime 3x ./internal/opendata/
func BenchmarkCountAndPublish(b *testing.B) {
	dsn := os.Getenv("DATABANK_OPEN_BENCH_DB")
	if dsn == "" {
		b.Skip("DATABANK_OPEN_BENCH_DB is not set")
	}
	st, err := store.Open(dsn, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	v, err := st.OpenDataVersion(ctx)
	if err != nil {
		b.Fatal(err)
	}
	years := Years(category.Today(v.FirstRecord).Year, category.Today(time.Now()))
	for b.Loop() {
		counts, err := Count(ctx, st, years)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range counts {
			if _, err := Publish(c); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(years)), "years")
}
