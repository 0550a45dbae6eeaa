package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/signature"
	"github.com/scfwca/databank/internal/signer"
	"github.com/scfwca/databank/internal/store"
)

// Signing is how the pages have people sign: the signer, the verifier of
// people's signatures, and where the development signer's page is (empty
// in production).
type Signing struct {
	Signer   signer.Signer
	Verifier *signature.Verifier
	DevPage  string // e.g. "/dev-signer/"
}

func newEntryID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// EntryForm shows the form of a category the person may write about the
// child, or the list of those categories.
func (h *Handler) EntryForm(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.entryForm(w, r, v, url.Values{}, nil, http.StatusOK)
}

func (h *Handler) entryForm(w http.ResponseWriter, r *http.Request, v *Viewer, values url.Values, errs map[string]string, status int) {
	lang := Language(w, r)
	key := r.PathValue("key")
	writable, _, err := h.registry.Writable(r.Context(), v.Subject, key)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	data := map[string]any{"Key": key, "Writable": writable}
	if code := r.URL.Query().Get("category"); code != "" {
		c, ok := category.Lookup(code)
		if !ok || !containsCat(writable, c) {
			h.Fail(w, r, v, fault.E("web.EntryForm", fault.Forbidden, category.Problem("category", "forbidden_category")))
			return
		}
		data["Category"] = c
		data["Fields"] = fields(c, lang, values, errs)
		data["Effective"] = values.Get("effective_date")
		data["EffectiveError"] = errs["effective_date"]
		data["HasErrors"] = len(errs) > 0
		data["Token"] = values.Get("token")
		if data["Token"] == "" {
			data["Token"] = newEntryID()
		}
	}
	h.render(w, r, "entry", status, v, "entry.title", data)
}

func containsCat(cs []*category.Category, c *category.Category) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// EntrySubmit validates a typed record on the server with the catalogue's
// rules, whatever the browser sent: on errors the form comes back with
// what was typed and each error next to its field; a valid record goes to
// signing. The form's token makes a double submission one record.
func (h *Handler) EntrySubmit(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if h.signing.Signer == nil {
		h.Fail(w, r, v, fault.E("web.EntrySubmit", fault.Unavailable, i18n.T("İmza xidməti qoşulmayıb", "No signing service is configured", "Служба подписи не подключена")))
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.EntrySubmit", fault.Invalid, err))
		return
	}
	key, code, token := r.PathValue("key"), r.URL.Query().Get("category"), r.PostForm.Get("token")
	if x, err := h.store.Entry(r.Context(), token); err != nil || x != nil {
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		http.Redirect(w, r, "/entries/"+x.ID, http.StatusSeeOther) // submitted twice
		return
	}
	c, ok := category.Lookup(code)
	if !ok || token == "" || len(token) > 64 {
		h.Fail(w, r, v, fault.E("web.EntrySubmit", fault.Invalid, category.Problem("category", "unknown_category")))
		return
	}
	lang := Language(w, r)
	if r.PostForm.Get("_add") != "" {
		// One more item of a list: the form again, with what was typed.
		h.entryForm(w, r, v, r.PostForm, nil, http.StatusOK)
		return
	}
	fs := fields(c, lang, r.PostForm, nil)
	childKey, err := selector(key)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	rec, _ := json.Marshal(map[string]any{"source_id": "web-" + token, "category": c.Code, "child": childKey,
		"effective_date": r.PostForm.Get("effective_date"), "action": "upsert", "data": payload(fs, r.PostForm)})
	from := registry.Sender{Participant: v.Org, Actor: v.Actor, BatchID: "web-" + token, Subject: v.Subject}
	if _, _, err := h.registry.Prepare(r.Context(), from, rec); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Forbidden {
			h.Fail(w, r, v, err)
			return
		}
		errs := map[string]string{}
		for _, fe := range fault.FieldsOf(err) {
			errs[strings.TrimPrefix(fe.Field, "data.")] = fe.Message.In(lang)
		}
		h.entryForm(w, r, v, r.PostForm, errs, http.StatusUnprocessableEntity)
		return
	}
	body, _ := json.Marshal(map[string]any{"batch_id": "web-" + token, "records": []json.RawMessage{rec}})
	req, err := h.signing.Signer.Start(r.Context(), v.FIN, v.Name, body)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	if err := h.store.PutEntry(r.Context(), store.PendingEntry{ID: token, FIN: v.FIN, Org: v.Org, ChildKey: key, Category: c.Code,
		Body: body, RequestID: req.ID, Code: req.Code, Expires: req.Expires}); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/entries/"+token, http.StatusSeeOther)
}

// selector turns a child's key into the record's child selector.
func selector(key string) (map[string]any, error) {
	k, err := registry.ParseKey(key)
	if err != nil {
		return nil, err
	}
	switch k.Kind {
	case "birth_certificate":
		series, number, _ := strings.Cut(k.Value, "/")
		return map[string]any{"birth_certificate": map[string]string{"series": series, "number": number}}, nil
	case "id":
		return nil, fault.E("web.selector", fault.Invalid, fmt.Errorf("open the child by a document to enter data"))
	}
	return map[string]any{k.Kind: k.Value}, nil
}

// EntryStatus shows the signing step: the verification code to compare on
// the device, and the button to go on once confirmed.
func (h *Handler) EntryStatus(w http.ResponseWriter, r *http.Request, v *Viewer) {
	x := h.pendingEntry(w, r, v)
	if x == nil {
		return
	}
	res, _ := h.signing.Signer.Result(r.Context(), x.RequestID)
	h.render(w, r, "sign", http.StatusOK, v, "sign.title", map[string]any{"Entry": x.ID, "Code": x.Code,
		"State": string(res.State), "DevPage": h.signing.DevPage, "Request": x.RequestID})
}

// EntryComplete stores a signed record like an exchange batch — the
// signature verified and kept as evidence — and returns to the profile.
// Completing twice stores one record.
func (h *Handler) EntryComplete(w http.ResponseWriter, r *http.Request, v *Viewer) {
	x := h.pendingEntry(w, r, v)
	if x == nil {
		return
	}
	res, err := h.signing.Signer.Result(r.Context(), x.RequestID)
	if err != nil || res.State != signer.Signed {
		http.Redirect(w, r, "/entries/"+x.ID, http.StatusSeeOther)
		return
	}
	if err := h.save(r.Context(), v, x, res.Signature); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	done := "/children/" + url.PathEscape(x.ChildKey) + "?saved=" + x.Category
	if err := h.store.EntryDone(r.Context(), x.ID, done); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, done, http.StatusSeeOther)
}

var msgNoEntry = i18n.T("Belə daxiletmə yoxdur", "There is no such entry", "Такой записи нет")

// pendingEntry returns the person's entry being signed; for an unknown
// entry, or one already stored, it answers itself and returns nil.
func (h *Handler) pendingEntry(w http.ResponseWriter, r *http.Request, v *Viewer) *store.PendingEntry {
	x, err := h.store.Entry(r.Context(), r.PathValue("id"))
	if err != nil {
		h.Fail(w, r, v, err)
		return nil
	}
	if x == nil || x.FIN != v.FIN {
		h.Fail(w, r, v, fault.E("web.entry", fault.NotFound, msgNoEntry))
		return nil
	}
	if x.Done != "" {
		http.Redirect(w, r, x.Done, http.StatusSeeOther)
		return nil
	}
	return x
}

var msgNotYours = i18n.T("İmza daxil olmuş şəxsə aid deyil", "The signature is not the signed-in person's", "Подпись не принадлежит вошедшему лицу")

// save verifies the person's signature over the exact batch and stores
// it, with the signature kept as evidence.
func (h *Handler) save(ctx context.Context, v *Viewer, x *store.PendingEntry, sig []byte) error {
	signed, err := h.signing.Verifier.Verify(x.Body, sig)
	if err != nil {
		return fault.E("web.store", fault.Forbidden, err)
	}
	if signed.Signer.Subject.SerialNumber != v.FIN {
		return fault.E("web.store", fault.Forbidden, msgNotYours)
	}
	batchID := "web-" + x.ID
	var b struct{ Records []any }
	dec := json.NewDecoder(bytes.NewReader(x.Body))
	dec.UseNumber() // as category.Parse reads a record
	dec.Decode(&b)
	records := b.Records[:1]
	from := registry.Sender{Participant: x.Org, Actor: v.Actor, BatchID: batchID, Subject: v.Subject}
	signedBatch := registry.Signed{
		Batch: store.Batch{Participant: x.Org, BatchID: batchID, ReceivedAt: h.now(), Body: string(x.Body),
			Signature: base64.StdEncoding.EncodeToString(sig), SignerSubject: signed.Signer.Subject.String(), ClientSubject: "person:" + v.FIN},
		Answer: func(outs []registry.Outcome) (string, error) {
			answer, err := json.Marshal(outs)
			return string(answer), err
		},
	}
	prev, outs, err := h.registry.SubmitBatch(ctx, from, records, map[string]any{"signer": signed.Signer.Subject.String(), "via": "e-cabinet"}, signedBatch)
	if err != nil || prev != nil {
		return err
	}
	if outs[0].Status == registry.Rejected {
		return fault.E("web.store", fault.Invalid, outs[0].Errors)
	}
	return nil
}
