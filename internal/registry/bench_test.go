package registry_test

import (
	"fmt"
	"testing"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store/storetest"
)

// BenchmarkSubmit measures one record through the whole path: validation,
// identification, the fact, the projection and the audit entry, each
// record its own durable transaction.
func BenchmarkSubmit(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			st := storetest.Open(b, e, clock)
			reg := registry.New(st, clock)
			i := 0
			for b.Loop() {
				i++
				fin := fmt.Sprintf("%07d", i)
				raw := fmt.Appendf(nil, `{"source_id":"sc-%d","category":"schooling","child":{"fin":%q},"effective_date":"2025-01-10","action":"upsert","data":%s}`,
					i, fin, category.CatSchooling.Examples()[0])
				out, err := reg.Submit(ctx, sender("education"), raw)
				if err != nil || out.Status != registry.Accepted {
					b.Fatalf("%+v %v", out, err)
				}
			}
		})
	}
}

// BenchmarkProfile measures reading a profile by FIN, with its audit entry.
func BenchmarkProfile(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			st := storetest.Open(b, e, clock)
			reg := registry.New(st, clock)
			raw := fmt.Appendf(nil, `{"source_id":"br-1","category":"birth_registration","child":{"fin":"5ZK3N2P"},"effective_date":"2016-03-14","action":"upsert","data":%s}`,
				category.CatBirthRegistration.Examples()[0])
			if _, err := reg.Submit(ctx, sender("justice"), raw); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := reg.Profile(ctx, admin, "5ZK3N2P", category.Date{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
