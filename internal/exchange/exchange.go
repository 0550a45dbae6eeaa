// Package exchange is the Data Bank's API for the participants' systems,
// as it stands behind an EHİS security server: mutual TLS identifies the
// participant, every batch carries a detached CMS signature over its exact
// bytes, and participants read the profiles and follow the changes that
// concern them.
package exchange

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/ratelimit"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/signature"
	"github.com/scfwca/databank/internal/store"
)

// Limits bound what one participant may ask of the exchange.
type Limits struct {
	MaxBytes   int64         // bytes per request body; 413 beyond
	MaxRecords int           // records per batch; 413 beyond
	Timeout    time.Duration // time to process one request
	Rate       float64       // requests per second per participant; 429 beyond
	Burst      int
}

// DefaultLimits are the limits unless configured otherwise.
var DefaultLimits = Limits{MaxBytes: 16 << 20, MaxRecords: 5000, Timeout: 60 * time.Second, Rate: 20, Burst: 40}

// Options configure the exchange.
type Options struct {
	// Verifier checks signatures and client certificates. It may be nil
	// only in insecure mode.
	Verifier *signature.Verifier
	// Insecure runs the exchange without TLS for the demo, on loopback:
	// the participant names itself in the X-Participant header and
	// signatures are checked only when a Verifier is given. It is
	// announced in the log and in every answer.
	Insecure bool
	Limits   Limits
	Now      func() time.Time
	// Preparing is how many batches are decoded and validated at once;
	// 0 means one fewer than the processors Go runs on, and at least one.
	Preparing int
}

// Handler serves the exchange API.
type Handler struct {
	store    *store.Store
	registry *registry.Service
	log      *slog.Logger
	opt      Options
	limiter  *ratelimit.Limiter
	mux      *http.ServeMux
	// preparing holds a place for each batch being decoded and
	// validated, see prepare.
	preparing chan struct{}
}

// New returns the exchange API.
func New(st *store.Store, reg *registry.Service, log *slog.Logger, opt Options) *Handler {
	if opt.Limits == (Limits{}) {
		opt.Limits = DefaultLimits
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Preparing <= 0 {
		opt.Preparing = max(1, runtime.GOMAXPROCS(0)-1)
	}
	h := &Handler{store: st, registry: reg, log: log, opt: opt, limiter: ratelimit.New(opt.Limits.Rate, opt.Limits.Burst, opt.Now),
		preparing: make(chan struct{}, opt.Preparing)}
	h.mux = http.NewServeMux()
	for _, r := range h.Routes() {
		h.mux.Handle(r.Pattern, r.Handler)
	}
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, problem.Problem{Status: 404, Code: "not_found", Title: "Not Found", Detail: "No such resource in the exchange API."})
	})
	return h
}

// Route is one route of the exchange API.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Routes is the one route table of the exchange API; the OpenAPI
// description is checked against it.
func (h *Handler) Routes() []Route {
	return []Route{
		{"POST /exchange/v1/batches", h.participant(h.postBatch)},
		{"GET /exchange/v1/batches/{participant}/{batch_id}", h.participant(h.getBatch)},
		{"GET /exchange/v1/children/{key}", h.participant(h.getChild)},
		{"POST /exchange/v1/children/search", h.participant(h.searchChildren)},
		{"GET /exchange/v1/feed", h.participant(h.feed)},
		{"GET /exchange/v1/notices", h.participant(h.notices)},
		{"GET /exchange/v1/annual/{year}/form", h.participant(h.getAnnualForm)},
		{"GET /exchange/v1/annual/{year}/report", h.participant(h.getAnnualReport)},
		{"PUT /exchange/v1/annual/{year}/report", h.participant(h.putAnnualReport)},
		{"GET /exchange/v1/categories", http.HandlerFunc(h.categories)},
		{"GET /exchange/v1/openapi.json", http.HandlerFunc(h.openAPI)},
	}
}

// ServeHTTP serves a request of the exchange API.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.opt.Insecure {
		w.Header().Set("X-Databank-Insecure", "demo mode: no TLS, participant taken from X-Participant")
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opt.Limits.Timeout)
	defer cancel()
	h.mux.ServeHTTP(w, r.WithContext(ctx))
}

// caller is the participant making a request and how it proved who it is.
type caller struct {
	p       *participant.Participant
	subject string // the client certificate's subject
	actor   audit.Actor
}

type participantHandler func(w http.ResponseWriter, r *http.Request, c *caller)

var (
	msgUnbound = i18n.T("Müştəri sertifikatı heç bir iştirakçıya bağlanmayıb; operatora müraciət edin",
		"The client certificate is not bound to any participant; ask the operator to bind it",
		"Клиентский сертификат не привязан ни к одному участнику; обратитесь к оператору")
	msgRate = i18n.T("Sorğular çox tezdir; Retry-After qədər gözləyin", "Too many requests; wait as Retry-After says",
		"Слишком много запросов; подождите, как указано в Retry-After")
	msgBusy = i18n.T("Məlumat Bankı paketləri qəbul etməyə macal tapmadı; paketi bir az sonra yenidən göndərin",
		"The Data Bank had no time to take the batch; send it again shortly",
		"Банк данных не успел принять пакет; отправьте его повторно чуть позже")
)

// participant identifies the caller by its client certificate (or, in
// insecure mode, its X-Participant header), applies its rate limit, and
// calls next.
func (h *Handler) participant(next participantHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := h.identify(r)
		if err != nil {
			h.refuse(w, r, nil, err)
			return
		}
		if wait, ok := h.limiter.Allow(c.p.Code); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			problem.Write(w, problem.Problem{Status: http.StatusTooManyRequests, Code: "rate_limited", Title: "Too Many Requests", Message: &msgRate, Detail: msgRate.EN})
			return
		}
		next(w, r, c)
	})
}

func (h *Handler) identify(r *http.Request) (*caller, error) {
	if h.opt.Insecure {
		code := r.Header.Get("X-Participant")
		p, err := h.store.Participant(r.Context(), code)
		if fault.Is(err, fault.NotFound) {
			return nil, &refusal{status: http.StatusUnauthorized, code: "participant_unknown", detail: "X-Participant names no participant", err: err}
		}
		if err != nil {
			return nil, err
		}
		return active(&caller{p: p, subject: "insecure:" + code, actor: audit.Actor{Kind: audit.Participant, ID: code, Role: "insecure-demo"}})
	}
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, &refusal{status: http.StatusUnauthorized, code: "client_certificate_required", detail: "a client certificate is required"}
	}
	if h.opt.Verifier == nil {
		return nil, &refusal{status: http.StatusInternalServerError, code: "no_trust_anchors", detail: "the exchange has no trust anchors configured"}
	}
	if err := h.opt.Verifier.VerifyClient(r.TLS.PeerCertificates); err != nil {
		// The same causes as a signer's certificate, told apart by the
		// prefix: client_certificate_untrusted, _expired, _revoked, ...
		code := "client_" + signature.CodeOf(err)
		if code == "client_" {
			code = "client_certificate_untrusted"
		}
		return nil, &refusal{status: http.StatusUnauthorized, code: code, detail: "the client certificate is refused: " + err.Error(), err: err}
	}
	cert := r.TLS.PeerCertificates[0]
	subject := cert.Subject.String()
	p, err := h.store.ParticipantBySubject(r.Context(), subject)
	if fault.Is(err, fault.NotFound) {
		return nil, &refusal{status: http.StatusForbidden, code: "certificate_unbound", msg: &msgUnbound, detail: msgUnbound.EN, err: err}
	}
	if err != nil {
		return nil, err // the database is down: 503, not a refusal
	}
	return active(&caller{p: p, subject: subject, actor: audit.Actor{Kind: audit.Participant, ID: p.Code, Role: "exchange:" + fingerprint(cert)}})
}

// active refuses a participant whose access the operator suspended, on
// every route.
func active(c *caller) (*caller, error) {
	if !c.p.Active {
		return nil, &refusal{status: http.StatusForbidden, code: "participant_inactive", detail: "the participant's access is suspended"}
	}
	return c, nil
}

// refusal is an exchange-specific refusal with its own stable code.
type refusal struct {
	status int
	code   string
	detail string
	msg    *i18n.Text
	err    error
}

func (e *refusal) Error() string {
	if e.err != nil {
		return e.code + ": " + e.err.Error()
	}
	return e.code + ": " + e.detail
}

// refuse answers with a refusal (or any other error through the common
// mapping) and audits it: with the caller when it is known, and a refused
// certificate as an unknown caller's, which the intrusion rules watch.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, c *caller, err error) {
	ref, ok := err.(*refusal)
	if !ok {
		problem.Error(w, r, h.log, err)
		return
	}
	switch {
	case c != nil:
		h.store.Audit(r.Context(), audit.Entry{Actor: c.actor, Action: "exchange.refused", Outcome: ref.code, Detail: `{"route":"` + r.Pattern + `"}`})
	case ref.code == "certificate_unbound" || strings.HasPrefix(ref.code, "client_certificate"):
		h.store.Audit(r.Context(), audit.Entry{Actor: audit.Actor{Kind: audit.Participant, ID: "unknown"}, Action: "exchange.refused",
			Outcome: ref.code, Detail: `{"route":"` + r.Pattern + `"}`})
	}
	problem.Write(w, problem.Problem{Status: ref.status, Code: ref.code, Title: http.StatusText(ref.status), Detail: ref.detail, Message: ref.msg})
}

func fingerprint(c *x509.Certificate) string { return Fingerprint(c) }

// Fingerprint is the SHA-256 of a certificate's DER, in hex.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}
