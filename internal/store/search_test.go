package store_test

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/namefold"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestSearchByNamePagesInOrder lists, page by page, the children a name
// finds — by family root or as the start of the given name, both at once
// for some children — with and without a region, archived ones left out,
// and requires every page to be what sorting all the profiles by hand
// gives: nobody missed, nobody twice, in order across pages.
func TestSearchByNamePagesInOrder(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(3, 5))
		families := []string{"Mammadov", "Mammadova", "Mammadli", "Aliyev", "Hasanova", "Quliyev"}
		givens := []string{"Ali", "Mammadali", "Mammad", "Leyla", "Aysel", "Murad"}
		regions := []string{"baki", "quba_xacmaz", "ganca_daskasan"}
		type row struct {
			id                               int64
			given, family, key, root, region string
			status                           string
		}
		var all []row
		for id := int64(1); id <= 240; id++ {
			p := row{id: id, given: givens[r.IntN(len(givens))], family: families[r.IntN(len(families))],
				region: regions[r.IntN(len(regions))], status: "active"}
			if r.IntN(10) == 0 {
				p.status = "archived"
			}
			p.key = profile.NameKey(category.PersonName{Given: p.given, Family: p.family})
			p.root = namefold.Root(p.family)
			all = append(all, p)
			if _, err := st.DB().ExecContext(ctx, `INSERT INTO children (id, created_at) VALUES ($1, 0)`, id); err != nil {
				t.Fatal(err)
			}
			if _, err := st.DB().ExecContext(ctx, `INSERT INTO profiles (child_id, given_name, family_name, name_key, family_root,
				region, status, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)`, id, p.given, p.family, p.key, p.root, p.region, p.status); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct{ text, region string }{{"Mammad", ""}, {"Mammadova", "baki"}, {"Mammad", "quba_xacmaz"}, {"Ali", ""}, {"Leyla Hasanova", ""}} {
			q := store.ProfileQuery{NameKey: profile.NameKey(category.PersonName{Given: tc.text}), FamilyRoot: namefold.Root(tc.text),
				Region: tc.region, HasBit: -1, Limit: 7}
			if strings.Contains(tc.text, " ") {
				q.NameKey = namefold.Key(tc.text)
			}
			var want []int64
			slices.SortFunc(all, func(a, b row) int {
				return cmp.Or(cmp.Compare(a.family, b.family), cmp.Compare(a.given, b.given), cmp.Compare(a.id, b.id))
			})
			both := 0
			for _, p := range all {
				byRoot, byPrefix := p.root == q.FamilyRoot, strings.HasPrefix(p.key, q.NameKey)
				if (byRoot || byPrefix) && p.status != "archived" && (tc.region == "" || p.region == tc.region) {
					want = append(want, p.id)
					if byRoot && byPrefix {
						both++
					}
				}
			}
			var got []int64
			for q.Page = 0; ; q.Page++ {
				page, more, err := st.SearchProfiles(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range page {
					got = append(got, m.ChildID)
				}
				if !more {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q in %q: got %v\nwant %v", tc.text, tc.region, got, want)
			}
			if tc.text == "Mammad" && tc.region == "" && (len(want) < 3*7 || both == 0) {
				t.Errorf("the population should give several pages and children found both ways: %d found, %d both ways", len(want), both)
			}
		}
		if st.Engine() == store.Postgres {
			// The given name's part asks for a prefix with LIKE, which
			// PostgreSQL answers from an index only if the index compares
			// text byte by byte; otherwise it reads every profile (which
			// it does here anyway, sequential scans off or not).
			tx, err := st.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				t.Fatal(err)
			}
			var plan []string
			rows, err := tx.QueryContext(ctx, `EXPLAIN SELECT child_id FROM profiles WHERE name_key = $1 OR name_key LIKE $2`, "mammad", "mammad%")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, line)
			}
			rows.Close()
			if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan") || !strings.Contains(p, "profiles_name") {
				t.Errorf("a prefix of a name key is not looked up in its index:\n%s", p)
			}
			return
		}
		// The family root's page comes from its index in order: SQLite
		// sorts nothing of it. (The merged pages are sorted, a few rows.)
		plan, err := store.SearchPlan(st, store.ProfileQuery{NameKey: "mammad", FamilyRoot: "mamad", Region: "baki", HasBit: -1, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "SEARCH r USING INDEX profiles_family (family_root=?) < CO-ROUTINE by_family") ||
			strings.Contains(plan, "USE TEMP B-TREE FOR ORDER BY < CO-ROUTINE by_family") {
			t.Errorf("the family root's part is not read in order from its index:\n%s", plan)
		}
	})
}
