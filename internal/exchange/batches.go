package exchange

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/signature"
	"github.com/scfwca/databank/internal/store"
)

// batchBody is the envelope of a batch; each record is decoded and
// validated on its own by the registry, from its parsed value (numbers
// kept as json.Number, as category.Parse keeps them): the body is parsed
// once.
type batchBody struct {
	BatchID string `json:"batch_id"`
	Records []any  `json:"records"`
}

// BatchResponse is the answer to a batch: every record's outcome.
type BatchResponse struct {
	BatchID    string             `json:"batch_id"`
	ReceivedAt string             `json:"received_at"`
	Counts     map[string]int     `json:"counts"`
	Records    []registry.Outcome `json:"records"`
}

// signedBody reads a signed JSON document — a batch or an annual report,
// named by what — within the limit of bytes per request, and checks its
// detached signature. It returns the body, the signer's subject and the
// signature as sent; the error is the refusal to answer with.
func (h *Handler) signedBody(w http.ResponseWriter, r *http.Request, c *caller, what string) (body []byte, signer, sigB64 string, err error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, "", "", &refusal{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", detail: "send the " + what + " as application/json"}
	}
	body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, h.opt.Limits.MaxBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", "", &refusal{status: http.StatusRequestEntityTooLarge, code: "too_large", detail: "the body exceeds the limit of bytes per request"}
		}
		return nil, "", "", &refusal{status: http.StatusBadRequest, code: "body_unreadable", detail: "the body could not be read in time", err: err}
	}
	signer, sigB64, err = h.checkSignature(r, c, body)
	if err != nil {
		return nil, "", "", err
	}
	return body, signer, sigB64, nil
}

// postBatch receives a signed batch: it checks the transport, the body and
// the signature, keeps the batch as evidence, stores each record
// atomically on its own, and answers with every record's outcome. A batch
// id sent again gets the first answer.
func (h *Handler) postBatch(w http.ResponseWriter, r *http.Request, c *caller) {
	body, signer, sigB64, err := h.signedBody(w, r, c, "batch")
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	release, err := h.prepare(r.Context())
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	defer release()
	var b batchBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil || dec.More() {
		h.refuse(w, r, c, &refusal{status: http.StatusBadRequest, code: "malformed_json", detail: "the body is not a batch: " + jsonProblem(err)})
		return
	}
	switch {
	case strings.TrimSpace(b.BatchID) == "" || utf8.RuneCountInString(b.BatchID) > 100:
		h.refuse(w, r, c, &refusal{status: http.StatusUnprocessableEntity, code: "batch_id_invalid", detail: "batch_id must be 1 to 100 characters"})
		return
	case len(b.Records) == 0:
		h.refuse(w, r, c, &refusal{status: http.StatusUnprocessableEntity, code: "batch_empty", detail: "a batch holds at least one record"})
		return
	case len(b.Records) > h.opt.Limits.MaxRecords:
		h.refuse(w, r, c, &refusal{status: http.StatusRequestEntityTooLarge, code: "too_many_records", detail: "the batch exceeds the limit of records"})
		return
	}
	now := h.opt.Now()
	resp := BatchResponse{BatchID: b.BatchID, ReceivedAt: now.In(category.Baku).Format("2006-01-02T15:04:05Z07:00")}
	from := registry.Sender{Participant: c.p.Code, Actor: c.actor, BatchID: b.BatchID, Subject: c.policySubject()}
	// The answer is written with the records, so that a batch sent again
	// gets the same answer, byte for byte.
	var answer []byte
	signed := registry.Signed{
		Prepared: release,
		Batch: store.Batch{Participant: c.p.Code, BatchID: b.BatchID, ReceivedAt: now, Body: string(body), Signature: sigB64,
			SignerSubject: signer, ClientSubject: c.subject},
		Answer: func(outs []registry.Outcome) (string, error) {
			resp.Counts = map[string]int{registry.Accepted: 0, registry.Unchanged: 0, registry.Rejected: 0}
			for _, out := range outs {
				resp.Counts[out.Status]++
			}
			resp.Records = outs
			var err error
			answer, err = json.Marshal(resp)
			return string(answer), err
		},
	}
	prev, _, err := h.registry.SubmitBatch(r.Context(), from, b.Records, map[string]any{"certificate": c.subject, "signer": signer}, signed)
	if err != nil {
		// The Data Bank itself failed and stored none of the records; the
		// batch is answered when it is sent again.
		h.refuse(w, r, c, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if prev != nil {
		w.Header().Set("X-Databank-Replay", "true")
		io.WriteString(w, prev.Response)
		return
	}
	w.Write(answer)
}

// prepare waits for a place among the batches being decoded and
// validated, received whole and their signatures checked, and returns the
// function that gives it up; the first call does, before the batch is
// stored. At most Options.Preparing batches are prepared at once, one
// fewer than the processors: on SQLite the store has one writer, in this
// process, and batches decoded on every processor at once kept it waiting
// for one whenever it had waited for the disk (in a trace at a million
// children it waited for a processor a sixth of its time; an eighth with
// this and the other changes of that round). Batches are prepared faster
// than they are written, so the writer still finds the next waiting.
func (h *Handler) prepare(ctx context.Context) (release func(), err error) {
	select {
	case h.preparing <- struct{}{}:
	case <-ctx.Done():
		return nil, fault.E("exchange.batch", fault.Unavailable, ctx.Err(), msgBusy)
	}
	var once sync.Once
	return func() { once.Do(func() { <-h.preparing }) }, nil
}

// checkSignature verifies the detached signature of the body in the
// X-Signature header and that its signer speaks for the same participant as
// the client certificate. It returns the signer's subject and the
// signature as sent.
func (h *Handler) checkSignature(r *http.Request, c *caller, body []byte) (string, string, error) {
	sigB64 := strings.TrimSpace(r.Header.Get("X-Signature"))
	if h.opt.Insecure && h.opt.Verifier == nil {
		return "unverified (insecure demo)", sigB64, nil
	}
	if sigB64 == "" {
		return "", "", &refusal{status: http.StatusBadRequest, code: "signature_missing", detail: "the X-Signature header must hold the base64 of a detached CMS signature over the body"}
	}
	der, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return "", "", &refusal{status: http.StatusBadRequest, code: "signature_malformed", detail: "X-Signature is not base64"}
	}
	signed, err := h.opt.Verifier.Verify(body, der)
	if err != nil {
		var se *signature.Error
		if errors.As(err, &se) {
			status := http.StatusForbidden
			if se.Code == "signature_malformed" {
				status = http.StatusBadRequest
			}
			return "", "", &refusal{status: status, code: se.Code, detail: se.Error(), err: err}
		}
		return "", "", err
	}
	subject := signed.Signer.Subject.String()
	if h.opt.Insecure {
		return subject, sigB64, nil
	}
	sp, err := h.store.ParticipantBySubject(r.Context(), subject)
	if err != nil || sp.Code != c.p.Code {
		return "", "", &refusal{status: http.StatusForbidden, code: "signer_mismatch", detail: "the batch is signed by a certificate that does not speak for the sending participant"}
	}
	return subject, sigB64, nil
}

func jsonProblem(err error) string {
	if err == nil {
		return "trailing data after the batch"
	}
	return err.Error()
}

// getBatch gives the operator a batch as evidence: the exact bytes, the
// signature and the answer, to verify again with openssl.
func (h *Handler) getBatch(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.p.Code != r.PathValue("participant") && c.p.Kind != "operator" {
		h.refuse(w, r, c, &refusal{status: http.StatusForbidden, code: "forbidden", detail: "only the operator or the sender may read a batch"})
		return
	}
	b, err := h.store.Batch(r.Context(), r.PathValue("participant"), r.PathValue("batch_id"))
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	h.store.Audit(r.Context(), audit.Entry{Actor: c.actor, Action: "exchange.evidence", Outcome: "read",
		Detail: `{"participant":"` + b.Participant + `","batch":` + quote(b.BatchID) + `}`})
	problem.JSON(w, http.StatusOK, map[string]any{
		"participant": b.Participant, "batch_id": b.BatchID, "received_at": b.ReceivedAt,
		"body_base64": base64.StdEncoding.EncodeToString([]byte(b.Body)), "signature_base64": b.Signature,
		"signer_subject": b.SignerSubject, "client_subject": b.ClientSubject, "response": json.RawMessage(orNull(b.Response)),
	})
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}
