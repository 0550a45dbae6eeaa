// Package problem writes the answers of the HTTP surfaces: RFC 9457 problem
// documents for errors, mapped from the domain's error kinds in one place,
// and JSON for everything else.
package problem

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Problem is an RFC 9457 problem detail, with a stable machine code, the
// wrong fields, and the message in every interface language.
type Problem struct {
	Type      string             `json:"type"`
	Title     string             `json:"title"`
	Status    int                `json:"status"`
	Code      string             `json:"code"`
	Detail    string             `json:"detail,omitempty"`
	Message   *i18n.Text         `json:"message,omitempty"`
	Errors    []fault.FieldError `json:"errors,omitempty"`
	Reference string             `json:"reference,omitempty"`
}

// kindStatus maps each kind of error to its HTTP status, once for every
// surface.
var kindStatus = map[fault.Kind]int{
	fault.Invalid:     http.StatusUnprocessableEntity,
	fault.NotFound:    http.StatusNotFound,
	fault.Forbidden:   http.StatusForbidden,
	fault.Conflict:    http.StatusConflict,
	fault.Unavailable: http.StatusServiceUnavailable,
	fault.Other:       http.StatusInternalServerError,
}

// RetryAfter is how many seconds a client is asked to wait when the
// database is unavailable.
const RetryAfter = 5

// MsgInternal is what people are told of an internal error.
var MsgInternal = i18n.T("Daxili xəta baş verdi. Müraciət edərkən istinad nömrəsini göstərin",
	"An internal error occurred. Quote the reference number when you report it",
	"Произошла внутренняя ошибка. Укажите номер ссылки при обращении")

// Error answers with the problem an error stands for. Internal
// details go to the log under a reference number, never to the client.
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	kind := fault.KindOf(err)
	status := kindStatus[kind]
	p := Problem{Status: status, Code: kind.String(), Title: http.StatusText(status), Errors: fault.FieldsOf(err)}
	if msg, ok := fault.MessageOf(err); ok {
		p.Message = &msg
		p.Detail = msg.EN
	}
	switch kind {
	case fault.Other:
		p.Reference = Reference()
		p.Message, p.Detail = &MsgInternal, MsgInternal.EN
		log.Error("request failed", "reference", p.Reference, "route", r.Pattern, "err", err)
	case fault.Unavailable:
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
		log.Warn("dependency unavailable", "route", r.Pattern, "err", err)
	}
	Write(w, p)
}

// Write answers with a problem document.
func Write(w http.ResponseWriter, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// Reference returns a new reference number for an internal error.
func Reference() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// JSON answers with a JSON document, compact as problem documents are:
// indented, the server answered a sixth fewer profile reads a second at
// saturation (the indentation, and the bytes it adds to encrypt and send,
// on every answer). A person reading an answer pipes it through jq.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
