package cli

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/signature"
	"github.com/scfwca/databank/internal/store"
)

func (a *App) participant(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(a.Stderr, participantUsage)
		return errUsage
	}
	var cfg config.Config
	fs := a.flags("participant "+args[0], &cfg)
	certFile := fs.String("cert", "", "PEM `file` of the certificate whose subject speaks for the participant")
	hookURL := fs.String("url", "", "webhook `URL` the participant's feed is posted to")
	secretFile := fs.String("secret-file", "", "`file` holding the webhook's HMAC secret")
	from := fs.Int64("from", 0, "feed `cursor` the webhook starts after")
	reason := fs.String("reason", "", "why access is suspended or restored (kept in the audit log)")
	send := fs.String("send", "", "comma-separated categories the participant may send (participant rights)")
	read := fs.String("read", "", "comma-separated categories the participant may read (participant rights)")
	if err := a.parse(fs, &cfg, reorder(args[1:])); err != nil {
		return err
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	switch {
	case args[0] == "list" && fs.NArg() == 0:
		ps, err := st.Participants(ctx)
		if err != nil {
			return err
		}
		bs, err := st.Bindings(ctx)
		if err != nil {
			return err
		}
		bound := map[string][]string{}
		for _, b := range bs {
			bound[b.Participant] = append(bound[b.Participant], b.Subject)
		}
		tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tKIND\tVÖEN\tSENDS\tREADS\tNAME\tCERTIFICATES")
		for _, p := range ps {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", p.Code, p.Kind, p.VOEN, len(p.Send), len(p.Read), p.Name.AZ, strings.Join(bound[p.Code], "; "))
		}
		return tw.Flush()
	case args[0] == "bind" && fs.NArg() == 1 && *certFile != "":
		cert, err := readCert(*certFile)
		if err != nil {
			return err
		}
		if err := st.Bind(ctx, cert.Subject.String(), exchange.Fingerprint(cert), fs.Arg(0), operatorActor("participant bind")); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "bound %q to %s\n", cert.Subject.String(), fs.Arg(0))
		return nil
	case (args[0] == "suspend" || args[0] == "resume") && fs.NArg() == 1 && *reason != "":
		if err := st.SetActive(ctx, fs.Arg(0), args[0] == "resume", *reason, operatorActor("participant "+args[0])); err != nil {
			return err
		}
		state := map[string]string{"suspend": "suspended", "resume": "restored"}[args[0]]
		fmt.Fprintf(a.Stdout, "%s: access %s\n", fs.Arg(0), state)
		return nil
	case args[0] == "rights" && fs.NArg() == 1 && (*send != "" || *read != ""):
		for access, list := range map[string]string{"send": *send, "read": *read} {
			if list == "" {
				continue
			}
			cats := strings.Split(list, ",")
			for _, c := range cats {
				if _, ok := category.Lookup(c); !ok {
					return fmt.Errorf("--%s: no category %q", access, c)
				}
			}
			if err := st.SetRights(ctx, fs.Arg(0), access, cats, operatorActor("participant rights")); err != nil {
				return err
			}
		}
		fmt.Fprintf(a.Stdout, "rights of %s set\n", fs.Arg(0))
		return nil
	case args[0] == "webhook" && fs.NArg() == 1 && *hookURL != "" && *secretFile != "":
		secret, err := os.ReadFile(*secretFile)
		if err != nil {
			return err
		}
		if len(strings.TrimSpace(string(secret))) < 16 {
			return fmt.Errorf("the webhook secret must be at least 16 characters")
		}
		w := store.Webhook{Participant: fs.Arg(0), URL: *hookURL, Secret: strings.TrimSpace(string(secret)), Cursor: *from}
		if err := st.SetWebhook(ctx, w, operatorActor("participant webhook")); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "webhook of %s set to %s from cursor %d\n", w.Participant, w.URL, w.Cursor)
		return nil
	}
	fmt.Fprintln(a.Stderr, participantUsage)
	return errUsage
}

const participantUsage = `usage: databank participant list
       databank participant bind CODE --cert FILE.pem
       databank participant webhook CODE --url URL --secret-file FILE [--from CURSOR]
       databank participant suspend|resume CODE --reason TEXT
       databank participant rights CODE [--send C1,C2,…] [--read C1,C2,…]`

func readCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return x509.ParseCertificate(block.Bytes)
}

// submit signs a batch file with a participant's certificate and sends it
// to the exchange over mutual TLS, printing the answer.
func (a *App) submit(ctx context.Context, args []string) error {
	fs := newFlags(a, "submit")
	url := fs.String("url", "https://127.0.0.1:8443", "the exchange's base `URL`")
	certFile := fs.String("cert", "", "the participant's certificate `file` (PEM; may hold the chain)")
	keyFile := fs.String("key", "", "its private key `file` (PEM)")
	batchFile := fs.String("batch", "", "the batch `file` (JSON)")
	caFile := fs.String("ca", "", "PEM `file` of the roots the exchange's server certificate chains to")
	as := fs.String("participant", "", "in the insecure demo mode: the participant to send as")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *batchFile == "" || (*as == "" && (*certFile == "" || *keyFile == "")) {
		fmt.Fprintln(a.Stderr, "usage: databank submit --url URL --cert C --key K --batch FILE [--ca ROOTS.pem]")
		return errUsage
	}
	body, err := os.ReadFile(*batchFile)
	if err != nil {
		return err
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(*url, "/")+"/exchange/v1/batches", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if *certFile != "" {
		pair, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return fmt.Errorf("loading the certificate and key: %w", err)
		}
		tlsCfg.Certificates = []tls.Certificate{pair}
		leaf, err := x509.ParseCertificate(pair.Certificate[0])
		if err != nil {
			return err
		}
		var inter []*x509.Certificate
		for _, der := range pair.Certificate[1:] {
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return err
			}
			inter = append(inter, c)
		}
		sig, err := signature.Sign(body, leaf, pair.PrivateKey.(crypto.Signer), inter)
		if err != nil {
			return fmt.Errorf("signing: %w", err)
		}
		req.Header.Set("X-Signature", base64.StdEncoding.EncodeToString(sig))
	}
	if *as != "" {
		req.Header.Set("X-Participant", *as)
	}
	if *caFile != "" {
		pemBytes, err := os.ReadFile(*caFile)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return fmt.Errorf("%s holds no PEM certificate", *caFile)
		}
		tlsCfg.RootCAs = pool
	}
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{TLSClientConfig: tlsCfg}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	a.Stdout.Write(out)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the exchange answered %s", resp.Status)
	}
	return nil
}

// newFlags returns a flag set for a command that does not touch the
// database.
func newFlags(a *App, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("databank "+name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	return fs
}
