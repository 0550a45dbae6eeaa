package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/store"
)

// A synthetic population for the report benchmark, written straight into
// the children and profiles tables (the profile projection is what
// cross-tabs read): regions by their population share, districts evenly
// within a region, ages evenly over 0–17, the sexes about even, a few
// foreign children, and each category present at a plausible rate for the
// child's age and sex. A twentieth as many again are archived profiles of
// young people who turned 18 in the last two years.

// catRate is how often a category is present, for children within an age
// range (and of one sex when sex is set).
type catRate struct {
	code         string
	rate         float64
	minAge, maxA int
	sex          string
}

var benchRates = []catRate{
	{"birth_registration", 0.995, 0, 17, ""}, {"identity_card", 0.9, 16, 17, ""}, {"residence_permit", 0.01, 0, 17, ""},
	{"refugee_card", 0.003, 0, 17, ""}, {"death", 0.001, 0, 17, ""}, {"father", 0.95, 0, 17, ""}, {"mother", 0.99, 0, 17, ""},
	{"parents_marriage", 0.85, 0, 17, ""}, {"father_employment", 0.9, 0, 17, ""}, {"mother_employment", 0.9, 0, 17, ""},
	{"parental_care_registry", 0.01, 0, 17, ""}, {"guardianship", 0.008, 0, 17, ""}, {"education_documents", 0.3, 15, 17, ""},
	{"special_education", 0.015, 6, 17, ""}, {"medical_registration", 0.97, 0, 17, ""}, {"health_checkup", 0.7, 0, 17, ""},
	{"pension_benefits", 0.08, 0, 17, ""}, {"alimony", 0.04, 0, 17, ""}, {"targeted_social_assistance", 0.06, 0, 17, ""},
	{"social_services", 0.03, 0, 17, ""}, {"youth_employment", 0.03, 16, 17, ""}, {"minor_motherhood", 0.005, 15, 17, "female"},
	{"unaccompanied_minor", 0.0005, 0, 17, ""}, {"offences_by_child", 0.01, 14, 17, ""}, {"educational_measures", 0.002, 11, 17, ""},
	{"offences_against_child", 0.005, 0, 17, ""}, {"schooling", 0.95, 6, 17, ""}, {"academic_achievements", 0.05, 10, 17, ""},
	{"sports_achievements", 0.08, 7, 17, ""}, {"sports_membership", 0.15, 5, 17, ""}, {"appeals", 0.02, 0, 17, ""},
}

// benchChild is one synthetic profile.
type benchChild struct {
	fin, given, family, birth, sex, citizenship, region, district, care, status string
	categories                                                                  int64
}

var benchGiven = map[string][]string{
	"male":   {"Əli", "Hüseyn", "Murad", "Kənan", "Tural", "Rəşad", "Elvin", "Nihad"},
	"female": {"Aysel", "Leyla", "Nərgiz", "Günay", "Zəhra", "Fidan", "Səbinə", "Aytən"},
}
var benchFamily = []string{"Məmmədov", "Əliyev", "Həsənov", "Hüseynov", "Quliyev", "İsmayılov", "Abbasov", "Rzayev"}

// synth draws child n of the population; archived children are 18 or 19.
func synth(r *rand.Rand, n int, today category.Date, archived bool) benchChild {
	regions := classifier.Regions.Codes()
	total := 0.0
	for _, c := range regions {
		total += classifier.RegionShare(c)
	}
	x, region := r.Float64()*total, regions[len(regions)-1]
	for _, c := range regions {
		if x -= classifier.RegionShare(c); x < 0 {
			region = c
			break
		}
	}
	ds := classifier.Districts.Children(region)
	c := benchChild{region: region, district: ds[r.IntN(len(ds))].Code, status: "active", citizenship: "AZE"}
	c.sex = "male"
	if r.IntN(100) < 48 {
		c.sex = "female"
	}
	days := r.IntN(18 * 365)
	if archived {
		days = 18*366 + r.IntN(2*365)
		c.status = "archived"
	}
	c.birth = today.AddDays(-days - 1).String()
	age := days / 365
	if r.IntN(100) < 2 {
		c.citizenship = []string{"RUS", "TUR", "GEO", "IRN", "UKR"}[r.IntN(5)]
	}
	for _, cr := range benchRates {
		if age < cr.minAge || age > cr.maxA || (cr.sex != "" && cr.sex != c.sex) || r.Float64() >= cr.rate {
			continue
		}
		cat, _ := category.Lookup(cr.code)
		c.categories |= 1 << cat.Bit
	}
	if c.categories&(1<<category.CatGuardianship.Bit) != 0 {
		c.care = []string{"guardianship", "foster_family", "institution"}[r.IntN(3)]
	} else if c.categories&(1<<category.CatParentalCareRegistry.Bit) != 0 {
		c.care = "deprived_of_parental_care"
	}
	c.fin = fmt.Sprintf("%07X", n) // unique, and not a real FIN (the check letters are not drawn)
	c.given = benchGiven[c.sex][r.IntN(8)]
	c.family = benchFamily[r.IntN(len(benchFamily))]
	if c.sex == "female" {
		c.family += "a"
	}
	return c
}

// loadPopulation writes n active children and n/20 archived ones into a
// fresh database, in transactions of 20,000 rows of multi-row INSERTs.
// It returns how many archived profiles it wrote.
func loadPopulation(ctx context.Context, st *store.Store, n int, seed int64, today category.Date, progress func(done int)) (int, error) {
	db := st.DB()
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	archived := n / 20
	total := n + archived
	const perStmt, perTx = 500, 20000
	now := time.Now().UnixMicro()
	var (
		childSQL   = stmtFor(st.Engine(), "INSERT INTO children (id, created_at) VALUES ", 2, perStmt)
		profileSQL = stmtFor(st.Engine(), `INSERT INTO profiles (child_id, fin, given_name, family_name, name_key, family_root, birth_date, sex,
			citizenship, region, district, care_status, categories, status, updated_at) VALUES `, 15, perStmt)
	)
	for start := 0; start < total; start += perTx {
		end := min(start+perTx, total)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		for s := start; s < end; s += perStmt {
			e := min(s+perStmt, end)
			cargs := make([]any, 0, 2*(e-s))
			pargs := make([]any, 0, 15*(e-s))
			for i := s; i < e; i++ {
				c := synth(r, i+1, today, i >= n)
				id := int64(i + 1)
				cargs = append(cargs, id, now)
				key := strings.ToLower(c.given + " " + c.family)
				pargs = append(pargs, id, c.fin, c.given, c.family, key, strings.ToLower(c.family), c.birth, c.sex,
					c.citizenship, c.region, c.district, c.care, c.categories, c.status, now)
			}
			cs, ps := childSQL, profileSQL
			if e-s != perStmt {
				cs = stmtFor(st.Engine(), "INSERT INTO children (id, created_at) VALUES ", 2, e-s)
				ps = stmtFor(st.Engine(), `INSERT INTO profiles (child_id, fin, given_name, family_name, name_key, family_root, birth_date, sex,
			citizenship, region, district, care_status, categories, status, updated_at) VALUES `, 15, e-s)
			}
			if _, err := tx.ExecContext(ctx, cs, cargs...); err != nil {
				tx.Rollback()
				return 0, fmt.Errorf("inserting children: %w", err)
			}
			if _, err := tx.ExecContext(ctx, ps, pargs...); err != nil {
				tx.Rollback()
				return 0, fmt.Errorf("inserting profiles: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		if progress != nil {
			progress(end)
		}
	}
	if st.Engine() == store.Postgres {
		// Move the identity past the explicit ids, and give the planner
		// its statistics as autovacuum would soon after.
		if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('children', 'id'), $1)`, total); err != nil {
			return 0, err
		}
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE profiles`); err != nil {
			return 0, err
		}
	} else if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return 0, err
	}
	return archived, nil
}

// stmtFor is an INSERT of rows rows of cols placeholders each: "?" on
// SQLite, whose binding of numbered parameters is quadratic in their
// number, "$n" on PostgreSQL.
func stmtFor(e store.Engine, head string, cols, rows int) string {
	var b strings.Builder
	b.WriteString(head)
	p := 1
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			if e == store.SQLite {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", p)
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}
