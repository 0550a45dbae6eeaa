package bench

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/devpki"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

// ReadOptions size the read benchmarks.
type ReadOptions struct {
	Reads   int // profile reads by FIN, in each of the two measures
	Readers int // concurrent readers
	// Rate is the reads per second the readers offer together in the
	// latency measure (500 when unset); the saturation measure reads back
	// to back.
	Rate     float64
	Searches int // searches by folded name with a region filter
	// Reader is the participant whose system reads.
	Reader string
}

// RunOptions size a whole run of `databank bench`.
type RunOptions struct {
	IngestOptions
	ReadOptions
}

// Run measures a national-scale run on one population: ingestion through
// the signed exchange API against raw inserts, then, on the database the
// API filled, profile reads and searches. after, when set, runs further
// measures (the cross-tab) on that database before it is closed.
func Run(ctx context.Context, dbs *Databases, opt RunOptions, log *slog.Logger, after func(context.Context, *store.Store) ([]Measure, error)) ([]Measure, error) {
	pki, certs, err := benchPKI()
	if err != nil {
		return nil, err
	}
	apiStore, m, err := ingest(ctx, dbs, opt.IngestOptions, log, pki, certs)
	if err != nil {
		return nil, err
	}
	defer apiStore.Close()
	ms := []Measure{m}

	reads, err := Reads(ctx, log, apiStore, pki, certs, opt.ReadOptions)
	if err != nil {
		return nil, err
	}
	ms = append(ms, reads...)
	if after != nil {
		more, err := after(ctx, apiStore)
		if err != nil {
			return nil, err
		}
		ms = append(ms, more...)
	}
	return ms, nil
}

// benchPKI makes a development PKI and a certificate for every default
// participant.
func benchPKI() (*devpki.PKI, map[string]*devpki.Cert, error) {
	pki, err := devpki.New("Benchmark")
	if err != nil {
		return nil, nil, err
	}
	certs := map[string]*devpki.Cert{}
	for _, p := range participant.Defaults() {
		if certs[p.Code], err = pki.Participant(p.Code); err != nil {
			return nil, nil, err
		}
	}
	return pki, certs, nil
}

// Reads measures, on a database the exchange API filled (participants
// seeded and their certificates bound):
//   - profile reads by FIN through GET /exchange/v1/children/{fin} over
//     mutual TLS on opt.Readers connections — access policy, projection
//     and one audit entry per read included — against the bare indexed
//     queries (prepared) that fetch the same child's current facts on as
//     many connections: their latency at opt.Rate reads per second
//     offered, and their throughput and latency when the clients read back
//     to back;
//   - searches by folded family name with a region filter through the
//     registry (policy and audit included), one at a time.
func Reads(ctx context.Context, log *slog.Logger, st *store.Store, pki *devpki.PKI, certs map[string]*devpki.Cert, opt ReadOptions) ([]Measure, error) {
	if opt.Reader == "" {
		opt.Reader = "education"
	}
	opt.Readers = max(opt.Readers, 1)
	if !(opt.Rate > 0) {
		opt.Rate = 500
	}
	fins, err := sample(ctx, st.DB(), `SELECT fin FROM profiles WHERE fin <> '' ORDER BY child_id`, opt.Reads)
	if err != nil {
		return nil, err
	}
	if len(fins) == 0 {
		return nil, fmt.Errorf("no child with a FIN to read")
	}
	for i := 0; len(fins) < opt.Reads; i++ { // a small population is read again
		fins = append(fins, fins[i])
	}
	mem := watchMemory()
	ex, err := startExchange(log, st, pki, certs)
	if err != nil {
		return nil, err
	}
	defer ex.stop()
	client := ex.clients[opt.Reader]
	read := func(fin string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, ex.base+"/exchange/v1/children/"+fin, nil)
		if err != nil {
			return err
		}
		req.Header.Set("X-Purpose", "benchmark")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("profile read: %s", resp.Status)
		}
		return nil
	}
	db := st.DB()
	byFIN, err := db.PrepareContext(ctx, `SELECT child_id FROM child_keys WHERE kind = 'fin' AND value = $1`)
	if err != nil {
		return nil, err
	}
	defer byFIN.Close()
	current, err := db.PrepareContext(ctx, `SELECT category, sender, effective_date, payload FROM facts
		WHERE child_id = $1 AND is_current = 1`)
	if err != nil {
		return nil, err
	}
	defer current.Close()
	bare := func(fin string) error {
		var id int64
		if err := byFIN.QueryRowContext(ctx, fin).Scan(&id); err != nil {
			return err
		}
		rows, err := current.QueryContext(ctx, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c, s, d string
			var p sql.NullString
			if err := rows.Scan(&c, &s, &d, &p); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	// The first touch of a child's pages, from the disk into the
	// system's cache, is made for both before either clock starts: read
	// first, the API met every page cold and the bare queries, timed
	// after it, found them warm (at a million children, after the raw
	// baseline's database had been written beside it). The API reads
	// more of a child than the bare queries do — its row, its keys by
	// child, its summary, its superseded records — so the bare pass alone
	// left those pages cold for the API's clock: at a million children a
	// third of the database was in the machine's cache, and the API's
	// 99th percentile was its disk reads. So the API reads every child
	// once too. And participants' systems keep their connections to the
	// exchange open: the TLS handshakes are made before the clock starts.
	if _, _, err := concurrently(ctx, fins, opt.Readers, 0, bare); err != nil {
		return nil, err
	}
	if _, _, err := concurrently(ctx, warmUp(fins, opt.Readers), opt.Readers, 0, read); err != nil {
		return nil, err
	}
	log.Info("bench: reading", "reads", len(fins), "readers", opt.Readers)
	gcBefore := readGC()
	api, _, err := concurrently(ctx, fins, opt.Readers, opt.Rate, read)
	if err != nil {
		return nil, err
	}
	gcAfter := readGC()
	log.Info("bench: garbage collection while reading at the offered rate", "cycles", gcAfter.cycles-gcBefore.cycles,
		"cpu_seconds", fmt.Sprintf("%.2f", gcAfter.cpu-gcBefore.cpu), "live_heap_mib", gcAfter.liveMiB)
	apiSat, apiTook, err := concurrently(ctx, fins, opt.Readers, 0, read)
	if err != nil {
		return nil, err
	}
	raw, _, err := concurrently(ctx, fins, opt.Readers, opt.Rate, bare)
	if err != nil {
		return nil, err
	}
	rawSat, rawTook, err := concurrently(ctx, fins, opt.Readers, 0, bare)
	if err != nil {
		return nil, err
	}
	var ms []Measure
	for _, p := range []float64{50, 95, 99} {
		m := Measure{Name: fmt.Sprintf("profile read p%.0f (%d clients at %.0f reads/s, mTLS API vs bare indexed queries)", p, opt.Readers, opt.Rate),
			Value: ms1(percentile(api, p)), Unit: "ms"}
		m.Against(ms1(percentile(raw, p)))
		ms = append(ms, m)
	}
	sat := Measure{Name: fmt.Sprintf("profile reads at saturation (%d clients back to back, mTLS API vs bare indexed queries)", opt.Readers),
		Value: math.Round(float64(len(fins)) / apiTook.Seconds()), Unit: "reads/s"}
	sat.Against(math.Round(float64(len(fins)) / rawTook.Seconds()))
	satP99 := Measure{Name: fmt.Sprintf("profile read p99 at saturation (%d clients back to back)", opt.Readers),
		Value: ms1(percentile(apiSat, 99)), Unit: "ms"}
	satP99.Against(ms1(percentile(rawSat, 99)))
	ms = append(ms, sat, satP99)

	if opt.Searches > 0 {
		rows, err := sample(ctx, db, `SELECT family_name || '|' || region FROM profiles WHERE family_name <> '' AND region <> '' ORDER BY child_id`, opt.Searches)
		if err != nil {
			return nil, err
		}
		reg := registry.New(st, nil)
		reader := registry.Reader{Actor: audit.SystemActor("bench"), Subject: access.Subject{Role: access.OperatorAdmin}}
		var took []time.Duration
		for _, r := range rows {
			name, region, _ := strings.Cut(r, "|")
			start := time.Now()
			if _, _, err := reg.SearchProfiles(ctx, reader, registry.Query{Text: name, Region: region, AgeFrom: -1, AgeTo: -1}); err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
			took = append(took, time.Since(start))
		}
		slices.Sort(took)
		ms = append(ms, Measure{Name: "search by folded name + region p95 (registry, policy and audit)", Value: ms1(percentile(took, 95)), Unit: "ms"})
	}
	ms = append(ms, mem.Peak())
	return ms, nil
}

// memoryWatch samples the resident memory of this process, which hosts
// the server, while the server serves. The generated population is freed
// and returned to the system first, so the peak is the server's own.
type memoryWatch struct {
	stop chan struct{}
	done chan float64
}

func watchMemory() *memoryWatch {
	debug.FreeOSMemory()
	w := &memoryWatch{stop: make(chan struct{}), done: make(chan float64, 1)}
	go func() {
		peak := residentMiB()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				w.done <- max(peak, residentMiB())
				return
			case <-t.C:
				peak = max(peak, residentMiB())
			}
		}
	}()
	return w
}

// Peak stops watching and returns the peak as a measure.
func (w *memoryWatch) Peak() Measure {
	close(w.stop)
	return Measure{Name: "peak resident memory (server serving reads and searches)", Value: <-w.done, Unit: "MiB"}
}

// residentMiB is the process's resident memory now (VmRSS on Linux).
func residentMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// sample returns up to n values of a one-column query, spread evenly over
// its rows.
func sample(ctx context.Context, db *sql.DB, query string, n int) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		all = append(all, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if n <= 0 || len(all) <= n {
		return all, nil
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, all[i*len(all)/n])
	}
	return out, nil
}

// warmUp is what the clients read before the clock starts: every item
// once, and at least four reads per client, for every one of them to hold
// its connection.
func warmUp(items []string, clients int) []string {
	out := slices.Clone(items)
	for len(out) < 4*clients {
		out = append(out, items...)
	}
	return out[:max(len(items), 4*clients)]
}

// pause sleeps a paced client until its next call is due.
var pause = time.Sleep

// concurrently runs do for every item on the given number of clients and
// returns each call's latency, sorted, and the time all took. With rate 0
// the clients call back to back (a closed loop: the latencies are those of
// a saturated server). With a rate, calls arrive at that many per second
// on average, at exponentially distributed intervals from a fixed seed,
// whether or not earlier ones have finished (an open loop), and a call
// kept waiting for a free client counts its wait: its latency runs from its
// arrival. A call whose client was free and slept until it was due runs
// from the moment the client woke: Go's timers wake a sleeper up to a
// millisecond late (its poller waits in whole milliseconds), half a
// millisecond at the median on this machine, and the client's oversleeping
// is no part of the read it then makes.
func concurrently(ctx context.Context, items []string, clients int, rate float64, do func(string) error) ([]time.Duration, time.Duration, error) {
	type call struct {
		item string
		at   time.Time // of arrival; zero in a closed loop
	}
	work := make(chan call, len(items))
	start := time.Now()
	if rate > 0 {
		rng := rand.New(rand.NewPCG(1, 2))
		at := start
		for _, it := range items {
			at = at.Add(time.Duration(rng.ExpFloat64() / rate * float64(time.Second)))
			work <- call{it, at}
		}
	} else {
		for _, it := range items {
			work <- call{item: it}
		}
	}
	close(work)
	var mu sync.Mutex
	var took []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for c := range work {
				if ctx.Err() != nil {
					return
				}
				if c.at.IsZero() {
					c.at = time.Now()
				} else if wait := time.Until(c.at); wait > 0 {
					pause(wait)
					c.at = time.Now()
				}
				err := do(c.item)
				d := time.Since(c.at)
				mu.Lock()
				took = append(took, d)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	all := time.Since(start)
	slices.Sort(took)
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return took, all, firstErr
}

// percentile is the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms1(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// gcState is what the garbage collector had done by a moment, for the log
// of a measure: its cycles, its CPU time, and the heap live after the
// last cycle.
type gcState struct {
	cycles  uint64
	cpu     float64
	liveMiB uint64
}

func readGC() gcState {
	samples := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(samples)
	var st gcState
	if samples[0].Value.Kind() == metrics.KindUint64 {
		st.cycles = samples[0].Value.Uint64()
	}
	if samples[1].Value.Kind() == metrics.KindFloat64 {
		st.cpu = samples[1].Value.Float64()
	}
	if samples[2].Value.Kind() == metrics.KindUint64 {
		st.liveMiB = samples[2].Value.Uint64() >> 20
	}
	return st
}
