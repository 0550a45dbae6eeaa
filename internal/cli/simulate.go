package cli

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/population"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/signature"
)

// simulate plays every participant of a synthetic population as live
// traffic against an exchange: each participant's records go in batches,
// signed with its certificate over mutual TLS (or, against the demo, in the
// insecure mode), at a steady rate of records per second.
func (a *App) simulate(ctx context.Context, args []string) error {
	fs := newFlags(a, "simulate")
	url := fs.String("url", "http://127.0.0.1:8443", "the exchange's base `URL`")
	rate := fs.Float64("rate", 100, "records per second")
	children := fs.Int("children", 1000, "children of the population to play")
	seed := fs.Int64("seed", 99, "seed of the population (another than the demo's makes new children)")
	batchSize := fs.Int("batch", 20, "records per batch")
	pkiDir := fs.String("pki", "", "`directory` of PARTICIPANT.pem (certificate and chain) and PARTICIPANT.key files")
	caFile := fs.String("ca", "", "PEM `file` of the roots of the exchange's server certificate")
	insecure := fs.Bool("insecure", false, "DEMO ONLY: name the participant in X-Participant, sign nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*pkiDir == "") == !*insecure || *rate <= 0 || *batchSize < 1 {
		fmt.Fprintln(a.Stderr, "usage: databank simulate --url URL (--pki DIR [--ca ROOTS.pem] | --insecure) [--rate R] [--children N]")
		return errUsage
	}
	sim := &simulator{url: strings.TrimSuffix(*url, "/"), pkiDir: *pkiDir, insecure: *insecure,
		signers: map[string]*simSigner{}, counts: map[string]int{}}
	if err := sim.transport(*caFile); err != nil {
		return err
	}
	start := time.Now()
	pending := map[string][]json.RawMessage{}
	sent := 0
	flush := func(code string) error {
		recs := pending[code]
		if len(recs) == 0 {
			return nil
		}
		delete(pending, code)
		if err := sim.send(ctx, code, recs); err != nil {
			return err
		}
		sent += len(recs)
		// Keep to the rate: the n-th record leaves no earlier than n/rate.
		due := start.Add(time.Duration(float64(sent) / *rate * float64(time.Second)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(due)):
		}
		return nil
	}
	opt := population.Options{Children: *children, Seed: *seed, Today: category.Today(a.Now())}
	err := population.Generate(opt, func(items []registry.Item) error {
		for _, it := range items {
			code := it.From.Participant
			pending[code] = append(pending[code], it.Raw)
			if len(pending[code]) >= *batchSize {
				if err := flush(code); err != nil {
					return err
				}
			}
		}
		return nil
	})
	codes := make([]string, 0, len(pending))
	for c := range pending {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if err == nil {
			err = flush(c)
		}
	}
	elapsed := time.Since(start)
	fmt.Fprintf(a.Stdout, "sent %d records in %d batches in %s (%.0f records/s): %d accepted, %d unchanged, %d rejected, %d batches refused\n",
		sent, sim.batches, elapsed.Round(time.Millisecond), float64(sent)/elapsed.Seconds(),
		sim.counts[registry.Accepted], sim.counts[registry.Unchanged], sim.counts[registry.Rejected], sim.refused)
	return err
}

type simulator struct {
	url      string
	pkiDir   string
	insecure bool
	roots    *x509.CertPool
	signers  map[string]*simSigner
	counts   map[string]int
	batches  int
	refused  int
}

type simSigner struct {
	client *http.Client
	leaf   *x509.Certificate
	inter  []*x509.Certificate
	key    crypto.Signer
}

func (s *simulator) transport(caFile string) error {
	if caFile == "" {
		return nil
	}
	b, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	s.roots = x509.NewCertPool()
	if !s.roots.AppendCertsFromPEM(b) {
		return fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	return nil
}

// signer returns the client and key of a participant, loaded once.
func (s *simulator) signer(code string) (*simSigner, error) {
	if sg, ok := s.signers[code]; ok {
		return sg, nil
	}
	sg := &simSigner{}
	tlsCfg := &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}
	if !s.insecure {
		pair, err := tls.LoadX509KeyPair(filepath.Join(s.pkiDir, code+".pem"), filepath.Join(s.pkiDir, code+".key"))
		if err != nil {
			return nil, fmt.Errorf("participant %s: %w", code, err)
		}
		tlsCfg.Certificates = []tls.Certificate{pair}
		if sg.leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, err
		}
		for _, der := range pair.Certificate[1:] {
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, err
			}
			sg.inter = append(sg.inter, c)
		}
		sg.key = pair.PrivateKey.(crypto.Signer)
	}
	sg.client = &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: tlsCfg}}
	s.signers[code] = sg
	return sg, nil
}

// send sends one participant's batch and counts the outcomes.
func (s *simulator) send(ctx context.Context, code string, recs []json.RawMessage) error {
	sg, err := s.signer(code)
	if err != nil {
		return err
	}
	s.batches++
	body, _ := json.Marshal(map[string]any{"batch_id": fmt.Sprintf("sim-%d-%d", time.Now().UnixNano(), s.batches), "records": recs})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/exchange/v1/batches", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.insecure {
		req.Header.Set("X-Participant", code)
	} else {
		sig, err := signature.Sign(body, sg.leaf, sg.key, sg.inter)
		if err != nil {
			return err
		}
		req.Header.Set("X-Signature", base64.StdEncoding.EncodeToString(sig))
	}
	resp, err := sg.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		s.refused++
		if resp.StatusCode == http.StatusTooManyRequests {
			time.Sleep(time.Second)
		}
		return nil
	}
	var ans struct{ Counts map[string]int }
	json.Unmarshal(b, &ans)
	for k, v := range ans.Counts {
		s.counts[k] += v
	}
	return nil
}
