package bench

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/reports"
	"github.com/scfwca/databank/internal/store"
)

// ReportsOptions size the report benchmark.
type ReportsOptions struct {
	Children int // active children; a twentieth as many archived ones are added
	Seed     int64
	Runs     int // timed runs of each query; the best is kept
}

// Reports loads a synthetic population straight into the tables and times
// a region × age band × category cross-tab through the report engine
// against the bare SQL doing the same aggregation on the same data, and
// checks that both give the same counts.
func Reports(ctx context.Context, dbs *Databases, opt ReportsOptions, log *slog.Logger) ([]Measure, error) {
	st, err := dbs.Open(ctx, "reports")
	if err != nil {
		return nil, err
	}
	defer st.Close()
	today := category.Today(time.Now())
	start := time.Now()
	last := time.Now()
	if _, err := loadPopulation(ctx, st, opt.Children, opt.Seed, today, func(done int) {
		if time.Since(last) > 10*time.Second {
			log.Info("bench reports: loading", "profiles", done)
			last = time.Now()
		}
	}); err != nil {
		return nil, fmt.Errorf("loading the population: %w", err)
	}
	loaded := time.Since(start)
	log.Info("bench reports: population loaded", "children", opt.Children, "seconds", loaded.Seconds())

	m, err := crossTab(ctx, st, opt.Runs, int64(opt.Children))
	if err != nil {
		return nil, err
	}
	load := Measure{Name: "load (" + string(st.Engine()) + ", multi-row INSERTs)", Value: float64(opt.Children+opt.Children/20) / loaded.Seconds(), Unit: "profiles/s"}
	return []Measure{load, m}, nil
}

// CrossTab times the region × age band × category cross-tab on a store
// already filled (by the exchange, in a whole run of `databank bench`),
// through the engine and as bare SQL, and checks they agree.
func CrossTab(ctx context.Context, st *store.Store, runs int) (Measure, error) {
	return crossTab(ctx, st, runs, -1)
}

// crossTab times the cross-tab both ways, best of runs after a warm-up;
// children, when not negative, is the total both must count.
func crossTab(ctx context.Context, st *store.Store, runs int, children int64) (Measure, error) {
	today := category.Today(time.Now())
	svc := reports.New(st, time.Now)
	def := reports.Definition{Rows: []reports.Dimension{{Kind: reports.KindRegion}},
		Columns: []reports.Dimension{{Kind: reports.KindAgeBand}, {Kind: reports.KindCategory}}}
	who := access.Subject{Role: access.OperatorAnalyst}
	runs = max(runs, 1)
	var res *reports.Result
	var err error
	engine := time.Duration(1 << 62)
	for range runs + 1 { // the first run warms the caches
		t0 := time.Now()
		if res, err = svc.Run(ctx, who, def, nil); err != nil {
			return Measure{}, fmt.Errorf("through the engine: %w", err)
		}
		engine = min(engine, time.Since(t0))
	}
	bare := time.Duration(1 << 62)
	var counts map[[3]string]int64
	for range runs + 1 {
		t0 := time.Now()
		if counts, err = bareCrossTab(ctx, st, today); err != nil {
			return Measure{}, fmt.Errorf("bare SQL: %w", err)
		}
		bare = min(bare, time.Since(t0))
	}
	// Both must count the same.
	var total int64
	for i, row := range res.Rows {
		for j, col := range res.Columns {
			if want := counts[[3]string{row[0], col[0], col[1]}]; res.Cells[i][j] != want {
				return Measure{}, fmt.Errorf("the engine counts %d in %v × %v, the bare SQL %d", res.Cells[i][j], row, col, want)
			}
		}
	}
	for k, n := range counts {
		if k[2] == "" {
			total += n
		}
	}
	if total != res.Total || (children >= 0 && res.Total != children) {
		return Measure{}, fmt.Errorf("totals: engine %d, bare SQL %d, children %d", res.Total, total, children)
	}
	m := Measure{Name: "region × age band × category (" + string(st.Engine()) + ", engine vs bare SQL)", Value: float64(engine.Milliseconds()), Unit: "ms"}
	m.Against(float64(bare.Milliseconds()))
	return m, nil
}

// bareCrossTab is the same cross-tab in one SQL statement: the children
// of each region and age band, and of them those with each category (a
// sum per category bit). Its keys are region, band and category code (""
// for the count of children).
func bareCrossTab(ctx context.Context, st *store.Store, today category.Date) (map[[3]string]int64, error) {
	var b strings.Builder
	b.WriteString("SELECT region, CASE")
	bounds := []int{3, 6, 10, 14, 18}
	for i, a := range bounds {
		fmt.Fprintf(&b, " WHEN birth_date > '%s' THEN '%s'", today.AddYears(-a).String(), reports.AgeBands[i])
	}
	b.WriteString(" END AS band, count(*)")
	cats := category.All()
	for _, c := range cats {
		fmt.Fprintf(&b, ", sum((categories >> %d) & 1)", c.Bit)
	}
	fmt.Fprintf(&b, " FROM profiles WHERE status = 'active' AND birth_date > '%s' AND birth_date <= '%s' GROUP BY 1, 2",
		today.AddYears(-18).String(), today.String())
	rows, err := st.DB().QueryContext(ctx, b.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[3]string]int64{}
	vals := make([]int64, len(cats)+1)
	for rows.Next() {
		var region, band string
		dest := []any{&region, &band}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out[[3]string{region, band, ""}] = vals[0]
		for i, c := range cats {
			out[[3]string{region, band, c.Code}] = vals[i+1]
		}
	}
	return out, rows.Err()
}
