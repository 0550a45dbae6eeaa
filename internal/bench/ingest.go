package bench

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/devpki"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/signature"
	"github.com/scfwca/databank/internal/store"
)

// IngestOptions size the ingestion benchmark.
type IngestOptions struct {
	Children int   // of the synthetic population
	Seed     int64 // of the population
	Batch    int   // records per batch
	Clients  int   // concurrent senders
}

// Ingest measures ingestion through the signed exchange API over mutual
// TLS against inserting the same facts straight into the engine.
func Ingest(ctx context.Context, dbs *Databases, opt IngestOptions, log *slog.Logger) ([]Measure, error) {
	pki, certs, err := benchPKI()
	if err != nil {
		return nil, err
	}
	apiStore, m, err := ingest(ctx, dbs, opt, log, pki, certs)
	if err != nil {
		return nil, err
	}
	apiStore.Close()
	return []Measure{m}, nil
}

// ingest generates the population, sends it through the API into a fresh
// database and inserts it raw into another, and returns the measure with
// the API's database, open, for what is measured on it next.
func ingest(ctx context.Context, dbs *Databases, opt IngestOptions, log *slog.Logger, pki *devpki.PKI, certs map[string]*devpki.Cert) (*store.Store, Measure, error) {
	sp, err := prepare(opt, certs, dbs.Dir())
	if err != nil {
		return nil, Measure{}, err
	}
	defer sp.remove()
	log.Info("bench: population ready", "children", opt.Children, "records", sp.records, "batches", sp.batches)
	apiStore, err := dbs.Open(ctx, "api")
	if err != nil {
		return nil, Measure{}, err
	}
	apiRate, err := ingestAPI(ctx, log, apiStore, pki, certs, sp, opt.Clients)
	if err != nil {
		apiStore.Close()
		return nil, Measure{}, fmt.Errorf("through the API: %w", err)
	}
	log.Info("bench: ingested through the API", "records_per_second", int(apiRate))
	rawStore, err := dbs.Open(ctx, "raw")
	if err != nil {
		apiStore.Close()
		return nil, Measure{}, err
	}
	rawRate, err := ingestRaw(ctx, rawStore.DB(), sp)
	rawStore.Close()
	if dropErr := dbs.Drop("raw"); err == nil && dropErr != nil {
		err = fmt.Errorf("removing its database: %w", dropErr)
	}
	if err != nil {
		apiStore.Close()
		return nil, Measure{}, fmt.Errorf("straight into the engine: %w", err)
	}
	log.Info("bench: inserted raw", "records_per_second", int(rawRate))
	m := Measure{Name: "ingest (" + string(apiStore.Engine()) + ", signed API over mTLS vs raw inserts)", Value: apiRate, Unit: "records/s"}
	m.Against(rawRate)
	return apiStore, m, nil
}

// ingestAPI runs the exchange over mutual TLS on loopback and sends the
// spooled batches through it; it returns records per second.
func ingestAPI(ctx context.Context, log *slog.Logger, st *store.Store, pki *devpki.PKI, certs map[string]*devpki.Cert, sp *spool, clients int) (float64, error) {
	if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
		return 0, err
	}
	for code, c := range certs {
		if err := st.Bind(ctx, c.Cert.Subject.String(), exchange.Fingerprint(c.Cert), code, audit.SystemActor("bench")); err != nil {
			return 0, err
		}
	}
	ex, err := startExchange(log, st, pki, certs)
	if err != nil {
		return 0, err
	}
	defer ex.stop()
	httpClients := ex.clients
	url := ex.base + "/exchange/v1/batches"
	work := make(chan signedBatch, max(clients, 1))
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range max(clients, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if err := send(ctx, httpClients[b.participant], url, b); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	readErr := sp.each(func(b signedBatch) error {
		work <- b
		return ctx.Err()
	})
	close(work)
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr == nil {
		firstErr = readErr
	}
	if firstErr != nil {
		return 0, firstErr
	}
	records := sp.records
	n, err := st.Count(ctx)
	if err != nil {
		return 0, err
	}
	if int(n.Facts) != records {
		return 0, fmt.Errorf("%d facts stored of %d records sent", n.Facts, records)
	}
	return float64(records) / elapsed.Seconds(), nil
}

func send(ctx context.Context, c *http.Client, url string, b signedBatch) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", b.sig)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"status":"rejected"`)) {
		return fmt.Errorf("batch of %s: %s %.300s", b.participant, resp.Status, body)
	}
	return nil
}

// ingestRaw inserts the same facts straight into the engine: a child row
// per new child, its key, and the fact, in one transaction per batch with
// prepared statements. Only the transactions are timed: reading and
// decoding the spool is not the engine's work. Its statements run under a
// context without cancellation, checked before each batch, as the API's
// writing transactions' do on SQLite (see store.statementContext): the
// driver's goroutine per statement is not the engine's work either. It
// returns records per second.
func ingestRaw(ctx context.Context, db *sql.DB, sp *spool) (float64, error) {
	children := map[string]int64{}
	var took time.Duration
	err := sp.each(func(b signedBatch) error {
		records, err := b.records()
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		ctx := context.WithoutCancel(ctx)
		start := time.Now()
		defer func() { took += time.Since(start) }()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		insChild, err := tx.PrepareContext(ctx, `INSERT INTO children (created_at) VALUES ($1) RETURNING id`)
		if err != nil {
			return err
		}
		insKey, err := tx.PrepareContext(ctx, `INSERT INTO child_keys (kind, value, child_id) VALUES ($1, $2, $3)`)
		if err != nil {
			return err
		}
		insFact, err := tx.PrepareContext(ctx, `INSERT INTO facts (child_id, category, sender, source_id, action, effective_date,
			received_at, payload, content_hash, batch_id, is_current) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '', 1)`)
		if err != nil {
			return err
		}
		now := time.Now().UnixMicro()
		for _, r := range records {
			key := childKey(r.Child)
			id, ok := children[key]
			if !ok {
				if err := insChild.QueryRowContext(ctx, now).Scan(&id); err != nil {
					return err
				}
				if _, err := insKey.ExecContext(ctx, "raw", key, id); err != nil {
					return err
				}
				children[key] = id
			}
			if _, err := insFact.ExecContext(ctx, id, r.Category, b.participant, r.SourceID, r.Action,
				r.EffectiveDate.String(), now, string(r.Data)); err != nil {
				return err
			}
		}
		return tx.Commit()
	})
	if err != nil {
		return 0, err
	}
	return float64(sp.records) / took.Seconds(), nil
}

func childKey(c registry.ChildSelector) string {
	switch {
	case c.FIN != "":
		return c.FIN
	case c.ResidencePermit != "":
		return c.ResidencePermit
	case c.RefugeeCard != "":
		return c.RefugeeCard
	case c.BirthCertificate != nil:
		return c.BirthCertificate.Series + "/" + c.BirthCertificate.Number
	}
	return fmt.Sprintf("%v", c)
}

// exchangeServer is the exchange API over mutual TLS on loopback, with a
// client per participant.
type exchangeServer struct {
	base    string
	clients map[string]*http.Client
	stop    func()
}

// startExchange serves the exchange API for st as an EHİS security
// server would: TLS, client certificates, signatures verified against the
// benchmark's own root; rate limits off.
func startExchange(log *slog.Logger, st *store.Store, pki *devpki.PKI, certs map[string]*devpki.Cert) (*exchangeServer, error) {
	anchors := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pki.Root.Raw})
	v, err := signature.NewVerifier(anchors, nil, time.Now)
	if err != nil {
		return nil, err
	}
	srvCert, err := pki.Server("127.0.0.1")
	if err != nil {
		return nil, err
	}
	limits := exchange.DefaultLimits
	limits.Rate, limits.Burst = 1e6, 1e6
	h := exchange.New(st, registry.New(st, nil), log, exchange.Options{Verifier: v, Limits: limits})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{srvCert.TLS()}, ClientAuth: tls.RequireAnyClientCert, MinVersion: tls.VersionTLS12})
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	roots := x509.NewCertPool()
	roots.AddCert(pki.Root)
	clients := map[string]*http.Client{}
	for code, c := range certs {
		clients[code] = &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 100,
			TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{c.TLS()}}}}
	}
	return &exchangeServer{base: "https://" + ln.Addr().String(), clients: clients, stop: func() { srv.Close() }}, nil
}
