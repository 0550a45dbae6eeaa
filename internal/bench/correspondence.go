package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/correspond"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/web"
)

// CorrespondenceOptions size the correspondence benchmark.
type CorrespondenceOptions struct {
	Clients  int     // browsers following their threads
	Messages int     // messages posted
	Rate     float64 // messages a second
}

// Correspondence measures the live delivery of messages: Clients
// Server-Sent Events streams over loopback HTTP, spread over the member
// organisations of one thread, each receiving every message posted to it
// at Rate; delivery is the time from a message's storing to its arrival,
// parsed, at each client. The streams are the e-cabinet's (web.Stream),
// opened with the person already known, as a session would give it: the
// measure is the fan-out, not the login.
func Correspondence(ctx context.Context, dbs *Databases, opt CorrespondenceOptions, log *slog.Logger) ([]Measure, error) {
	st, err := dbs.Open(ctx, "correspondence")
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ps := participant.Defaults()
	if err := st.SeedParticipants(ctx, ps); err != nil {
		return nil, err
	}
	limits := correspond.DefaultLimits
	limits.PerMinute, limits.Burst = 1e9, 1e9
	svc := correspond.New(st, nil, limits)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go svc.Run(runCtx, log) // PostgreSQL: the messages come back through LISTEN/NOTIFY
	select {
	case <-svc.Listening():
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("the correspondence does not listen to the database")
	}

	var orgs []*participant.Participant
	for i := range ps {
		if ps[i].Kind != participant.KindCommission {
			orgs = append(orgs, &ps[i])
		}
	}
	authorOf := func(p *participant.Participant, i int) correspond.Author {
		fin := fmt.Sprintf("9BN%04d", i)
		return correspond.Author{Subject: access.Subject{Role: access.OrgHead, Org: p, FIN: fin}, FIN: fin, Name: "Bench " + fin,
			Actor: audit.Actor{Kind: audit.Person, ID: fin, Org: p.Code, Role: string(access.OrgHead)}}
	}
	poster := authorOf(orgs[0], 0)
	var members []string
	for _, p := range orgs[1:] {
		members = append(members, p.Code)
	}
	thread, err := svc.Open(ctx, poster, correspond.NewThread{Subject: "Bench", Orgs: members, Body: "start"})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /events/{client}", func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscan(r.PathValue("client"), &i)
		if err := web.Stream(w, r, svc, authorOf(orgs[i%len(orgs)], i)); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	defer svc.Shutdown()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opt.Clients, MaxConnsPerHost: 0, DisableCompression: true}}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		ready     sync.WaitGroup
		done      sync.WaitGroup
	)
	ready.Add(opt.Clients)
	done.Add(opt.Clients)
	errs := make(chan error, opt.Clients)
	for i := range opt.Clients {
		go func() {
			defer done.Done()
			req, _ := http.NewRequestWithContext(runCtx, "GET", fmt.Sprintf("http://%s/events/%d", ln.Addr(), i), nil)
			resp, err := client.Do(req)
			if err != nil {
				ready.Done()
				errs <- err
				return
			}
			defer resp.Body.Close()
			rd := bufio.NewReader(resp.Body)
			// The stream starts with its retry line: the client is subscribed.
			if _, err := rd.ReadString('\n'); err != nil {
				ready.Done()
				errs <- err
				return
			}
			ready.Done()
			var mine []time.Duration
			for n := 0; n < opt.Messages; {
				line, err := rd.ReadSlice('\n')
				if err != nil {
					break
				}
				data, ok := bytes.CutPrefix(line, []byte("data: "))
				if !ok {
					continue
				}
				var m struct {
					Sent int64
					Body string
				}
				if json.Unmarshal(data, &m) != nil || !strings.HasPrefix(m.Body, "message ") {
					continue // the thread's first message may arrive late, from before the clients
				}
				mine = append(mine, time.Since(time.UnixMicro(m.Sent)))
				n++
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	ready.Wait()
	select {
	case err := <-errs:
		return nil, fmt.Errorf("a client could not connect: %w", err)
	default:
	}
	for svc.Hub().Subscribers() < opt.Clients {
		time.Sleep(10 * time.Millisecond)
	}
	log.Info("bench correspondence: clients connected", "clients", opt.Clients)
	start := time.Now()
	tick := time.NewTicker(time.Duration(float64(time.Second) / opt.Rate))
	for i := range opt.Messages {
		<-tick.C
		if _, err := svc.Post(ctx, poster, thread, fmt.Sprintf("message %d", i), nil); err != nil {
			tick.Stop()
			return nil, err
		}
	}
	tick.Stop()
	posted := time.Since(start)
	wait := make(chan struct{})
	go func() { done.Wait(); close(wait) }()
	select {
	case <-wait:
	case <-time.After(30 * time.Second):
		stop()
		<-wait
	}
	mu.Lock()
	defer mu.Unlock()
	expected := opt.Clients * opt.Messages
	if len(latencies) == 0 {
		return nil, fmt.Errorf("no message was delivered")
	}
	slices.Sort(latencies)
	q := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	p99 := Measure{Name: fmt.Sprintf("correspondence p99 delivery, %d clients (vs target 100 ms)", opt.Clients), Value: q(0.99), Unit: "ms"}
	p99.Against(100)
	return []Measure{
		{Name: "correspondence p50 delivery", Value: q(0.50), Unit: "ms"},
		p99,
		{Name: "correspondence max delivery", Value: q(1), Unit: "ms"},
		{Name: "messages delivered (of clients × messages)", Value: float64(len(latencies)), Unit: fmt.Sprintf("of %d", expected)},
		{Name: "messages posted", Value: float64(opt.Messages) / posted.Seconds(), Unit: "messages/s"},
	}, nil
}
