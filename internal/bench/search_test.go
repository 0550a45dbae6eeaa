package bench

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/store"
)

// BenchmarkSearchByFamilyName asks for the first page of a common family
// name in a region, the search a caseworker makes most, over the report
// benchmark's population: sixteen family names, so that each holds a
// sixteenth of the children — more than the commonest root of the
// synthetic population (about an eighth of it split over two spellings).
// DATABANK_BENCH_CHILDREN sets the population (100,000 by default; the
// national figure is for 1,000,000):
//
//	DATABANK_BENCH_CHILDREN=1000000 go test ./internal/bench -run - -bench SearchByFamilyName
func BenchmarkSearchByFamilyName(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("DATABANK_BENCH_CHILDREN")); err == nil && v > 0 {
		n = v
	}
	dbs, err := NewDatabases("sqlite")
	if err != nil {
		b.Fatal(err)
	}
	defer dbs.Close()
	ctx := context.Background()
	st, err := dbs.Open(ctx, "search")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := loadPopulation(ctx, st, n, 7, category.Today(time.Now()), nil); err != nil {
		b.Fatal(err)
	}
	regions := classifier.Regions.Codes()
	r := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	for range b.N {
		family := strings.ToLower(benchFamily[r.IntN(len(benchFamily))])
		found, _, err := st.SearchProfiles(ctx, store.ProfileQuery{NameKey: family, FamilyRoot: family,
			Region: regions[r.IntN(len(regions))], HasBit: -1, Limit: 20})
		if err != nil {
			b.Fatal(err)
		}
		if len(found) == 0 {
			b.Fatal("a common family name found nobody")
		}
	}
}
