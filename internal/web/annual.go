package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scfwca/databank/internal/annual"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/export"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/signer"
	"github.com/scfwca/databank/internal/store"
)

// The annual reports' pages (regulation §3.2.3): a participant's staff
// fill in the year's report, save it as they go, sign it and submit it;
// the operator defines the forms, accepts or returns each report with
// comments, reopens a locked form, and follows the reporting rate and
// the consolidated national report; the evaluator reads all of it.

func (h *Handler) annual() *annual.Service { return annual.New(h.store, h.now) }

func who(v *Viewer) annual.Who { return annual.Who{Subject: v.Subject, Actor: v.Actor} }

var msgAnnualNoAccess = i18n.T("İllik hesabatlara girişiniz yoxdur", "You have no access to annual reports", "У вас нет доступа к годовым отчётам")

// AnnualIndex lists the years for the operator's staff and the evaluator,
// or the person's organisation's reports with their deadlines and
// reminders.
func (h *Handler) AnnualIndex(w http.ResponseWriter, r *http.Request, v *Viewer) {
	wh := who(v)
	data := map[string]any{"All": wh.ReadsAll(), "Operator": wh.Operator()}
	switch {
	case wh.ReadsAll():
		years, err := h.store.AnnualYears(r.Context())
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		data["Years"] = years
	case wh.Fills(v.Org):
		reports, err := h.annual().Reports(r.Context(), wh, 0)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		data["Reports"] = reports
	default:
		h.Fail(w, r, v, fault.E("web.AnnualIndex", fault.Forbidden, msgAnnualNoAccess))
		return
	}
	data["NextYear"] = h.now().Year()
	h.render(w, r, "annual", http.StatusOK, v, "annual.title", data)
}

func pathYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, fault.E("web.annual", fault.NotFound, i18n.T("Belə il yoxdur", "There is no such year", "Такого года нет"))
	}
	return y, nil
}

// AnnualYear is a year's reporting rate with each participant's report,
// for the operator's staff and the evaluator; a participant goes to its
// own report.
func (h *Handler) AnnualYear(w http.ResponseWriter, r *http.Request, v *Viewer) {
	year, err := pathYear(r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	wh := who(v)
	if !wh.ReadsAll() && wh.Fills(v.Org) {
		http.Redirect(w, r, "/annual/"+strconv.Itoa(year)+"/"+url.PathEscape(v.Org), http.StatusSeeOther)
		return
	}
	rate, err := h.annual().Rate(r.Context(), wh, year)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	shares := map[string]string{}
	for _, k := range []string{annual.OnTime, annual.Late, annual.Missing, annual.Pending} {
		shares[k] = formatNumber(Language(w, r), float64(int(rate.Share(k)*10+0.5))/10)
	}
	h.render(w, r, "annual_year", http.StatusOK, v, "annual.rate", map[string]any{"Year": year, "Rate": rate, "Shares": shares,
		"Operator": wh.Operator(), "Saved": r.URL.Query().Get("saved")})
}

// annualField is an indicator as the page shows it.
type annualField struct {
	annual.Indicator
	Name     string
	Value    string
	Error    string
	Computed string // the Data Bank's own figure, formatted
}

type annualSection struct {
	Title  string
	Fields []annualField
}

// AnnualReport shows a participant's report: the form to fill in while it
// is a draft (or returned) and open, else the values; the Data Bank's
// own figures beside the computed indicators; the history; and for the
// operator the decision and the reopening.
func (h *Handler) AnnualReport(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.annualReport(w, r, v, nil, nil, http.StatusOK)
}

func (h *Handler) annualReport(w http.ResponseWriter, r *http.Request, v *Viewer, typed url.Values, errs []fault.FieldError, status int) {
	lang := Language(w, r)
	year, err := pathYear(r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	org := r.PathValue("org")
	wh := who(v)
	svc := h.annual()
	rep, err := svc.Report(r.Context(), wh, year, org)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	measures, measuredAt, err := svc.Measures(r.Context(), year, org)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	byField := map[string]string{}
	var other []fault.FieldError
	for _, e := range errs {
		if code, ok := strings.CutPrefix(e.Field, "values."); ok {
			byField[code] = e.Message.In(lang)
		} else if e.Field == "comment" || e.Field == "until" {
			byField["."+e.Field] = e.Message.In(lang)
		} else {
			other = append(other, e)
		}
	}
	var sections []annualSection
	for _, s := range rep.Form.Sections {
		sec := annualSection{Title: s.Title.In(lang)}
		for _, in := range s.Indicators {
			f := annualField{Indicator: in, Name: "v_" + in.Code, Value: annual.Show(rep.Values[in.Code]), Error: byField[in.Code]}
			if typed != nil {
				f.Value = typed.Get(f.Name)
			}
			if in.Computed != "" {
				f.Computed = formatNumber(lang, float64(measures[in.Computed]))
			}
			sec.Fields = append(sec.Fields, f)
		}
		sections = append(sections, sec)
	}
	fills := wh.Fills(org)
	data := map[string]any{"Report": rep, "Sections": sections, "Edit": fills && rep.Editable(), "Fills": fills,
		"Operator": wh.Operator(), "Errors": other, "HasErrors": len(errs) > 0, "LastDay": annual.LastDay(&rep.AnnualForm),
		"Saved": r.URL.Query().Get("saved"), "Signing": h.signing.Signer != nil, "MeasuredAt": measuredAt}
	if c := latestComment(rep); c != "" && rep.State == annual.Returned {
		data["ReturnComment"] = c
	}
	if fills && rep.Editable() && rep.DaysLeft >= 0 && rep.DaysLeft <= 30 {
		data["DueSoon"] = true
	}
	if typed != nil {
		data["Comment"], data["Until"] = typed.Get("comment"), typed.Get("until")
	}
	data["CommentError"], data["UntilError"] = byField[".comment"], byField[".until"]
	h.render(w, r, "annual_report", status, v, "annual.report", data)
}

func latestComment(rep *annual.Report) string {
	for i := len(rep.Events) - 1; i >= 0; i-- {
		if rep.Events[i].What == "returned" {
			return rep.Events[i].Comment
		}
	}
	return ""
}

// typedValues takes the values typed into the report's form.
func typedValues(form url.Values) map[string]any {
	out := map[string]any{}
	for k, vs := range form {
		if code, ok := strings.CutPrefix(k, "v_"); ok && len(vs) > 0 {
			out[code] = vs[0]
		}
	}
	return out
}

// AnnualSave saves the typed values as a draft, or, with action=sign,
// checks them for submission and starts the signature: the person
// confirms on their device and the report is submitted.
func (h *Handler) AnnualSave(w http.ResponseWriter, r *http.Request, v *Viewer) {
	year, err := pathYear(r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AnnualSave", fault.Invalid, err))
		return
	}
	org, wh, svc := r.PathValue("org"), who(v), h.annual()
	vals := typedValues(r.PostForm)
	back := "/annual/" + strconv.Itoa(year) + "/" + url.PathEscape(org)
	if r.PostForm.Get("action") != "sign" {
		if err := svc.SaveDraft(r.Context(), wh, year, org, vals); err != nil {
			h.annualFail(w, r, v, r.PostForm, err)
			return
		}
		http.Redirect(w, r, back+"?saved=draft", http.StatusSeeOther)
		return
	}
	if h.signing.Signer == nil {
		h.Fail(w, r, v, fault.E("web.AnnualSave", fault.Unavailable, i18n.T("İmza xidməti qoşulmayıb", "No signing service is configured", "Служба подписи не подключена")))
		return
	}
	// What is typed is kept as the draft first, so that nothing is lost
	// if the signature is refused.
	if err := svc.SaveDraft(r.Context(), wh, year, org, vals); err != nil {
		h.annualFail(w, r, v, r.PostForm, err)
		return
	}
	body, err := svc.Prepare(r.Context(), wh, year, org, vals)
	if err != nil {
		h.annualFail(w, r, v, r.PostForm, err)
		return
	}
	rep, err := svc.Report(r.Context(), wh, year, org)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	req, err := h.signing.Signer.Start(r.Context(), v.FIN, v.Name, body)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	id := newEntryID()
	if err := h.store.PutAnnualPending(r.Context(), store.AnnualPending{ID: id, FormID: rep.ID, FIN: v.FIN, Org: org, Body: body,
		RequestID: req.ID, Code: req.Code, Expires: req.Expires}); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/annual-sign/"+id, http.StatusSeeOther)
}

// annualFail shows the report again with what was typed and each mistake
// next to its field, or the error page for anything else.
func (h *Handler) annualFail(w http.ResponseWriter, r *http.Request, v *Viewer, typed url.Values, err error) {
	switch fault.KindOf(err) {
	case fault.Invalid:
		h.annualReport(w, r, v, typed, fault.FieldsOf(err), http.StatusUnprocessableEntity)
	case fault.Conflict:
		h.annualReport(w, r, v, typed, fault.FieldsOf(err), http.StatusConflict)
	default:
		h.Fail(w, r, v, err)
	}
}

// pendingAnnual returns the person's report being signed, answering
// itself when there is none.
func (h *Handler) pendingAnnual(w http.ResponseWriter, r *http.Request, v *Viewer) (*store.AnnualPending, *annual.Signed) {
	p, err := h.store.AnnualPendingByID(r.Context(), r.PathValue("id"))
	if err == nil && p.FIN != v.FIN {
		err = fault.E("web.pendingAnnual", fault.NotFound, msgNoEntry)
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return nil, nil
	}
	var doc annual.Signed
	json.Unmarshal(p.Body, &doc)
	if p.Done {
		http.Redirect(w, r, "/annual/"+strconv.Itoa(doc.Year)+"/"+url.PathEscape(doc.Participant)+"?saved=submitted", http.StatusSeeOther)
		return nil, nil
	}
	return p, &doc
}

// AnnualSign shows the signing step: the verification code to compare on
// the device, and the button to go on once confirmed.
func (h *Handler) AnnualSign(w http.ResponseWriter, r *http.Request, v *Viewer) {
	p, doc := h.pendingAnnual(w, r, v)
	if p == nil {
		return
	}
	res, _ := h.signing.Signer.Result(r.Context(), p.RequestID)
	h.render(w, r, "annual_sign", http.StatusOK, v, "sign.title", map[string]any{"ID": p.ID, "Code": p.Code, "State": string(res.State),
		"DevPage": h.signing.DevPage, "Request": p.RequestID, "Year": doc.Year, "Org": doc.Participant})
}

// AnnualSignComplete submits the signed report: the signature is verified
// over the exact bytes shown for signing, must be the signed-in person's,
// and is kept with them as evidence. Completing twice submits once.
func (h *Handler) AnnualSignComplete(w http.ResponseWriter, r *http.Request, v *Viewer) {
	p, doc := h.pendingAnnual(w, r, v)
	if p == nil {
		return
	}
	res, err := h.signing.Signer.Result(r.Context(), p.RequestID)
	if err != nil || res.State != signer.Signed {
		http.Redirect(w, r, "/annual-sign/"+p.ID, http.StatusSeeOther)
		return
	}
	signed, err := h.signing.Verifier.Verify(p.Body, res.Signature)
	if err != nil {
		h.Fail(w, r, v, fault.E("web.AnnualSignComplete", fault.Forbidden, err))
		return
	}
	if signed.Signer.Subject.SerialNumber != v.FIN {
		h.Fail(w, r, v, fault.E("web.AnnualSignComplete", fault.Forbidden, msgNotYours))
		return
	}
	err = h.annual().Submit(r.Context(), who(v), doc.Year, doc.Participant, p.Body, annual.Evidence{
		Signature: base64.StdEncoding.EncodeToString(res.Signature), SignerSubject: signed.Signer.Subject.String(),
		ClientSubject: "person:" + v.FIN, Via: "e-cabinet"})
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	if err := h.store.AnnualPendingDone(r.Context(), p.ID); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/annual/"+strconv.Itoa(doc.Year)+"/"+url.PathEscape(doc.Participant)+"?saved=submitted", http.StatusSeeOther)
}

// AnnualDecide is the operator accepting a submitted report or returning
// it with comments.
func (h *Handler) AnnualDecide(w http.ResponseWriter, r *http.Request, v *Viewer) {
	year, err := pathYear(r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AnnualDecide", fault.Invalid, err))
		return
	}
	org := r.PathValue("org")
	accept := r.PostForm.Get("decision") == "accept"
	if err := h.annual().Decide(r.Context(), who(v), year, org, accept, r.PostForm.Get("comment")); err != nil {
		h.annualFail(w, r, v, r.PostForm, err)
		return
	}
	http.Redirect(w, r, "/annual/"+strconv.Itoa(year)+"/"+url.PathEscape(org)+"?saved=decided", http.StatusSeeOther)
}

// AnnualReopen is the operator reopening a participant's locked form
// until a later day.
func (h *Handler) AnnualReopen(w http.ResponseWriter, r *http.Request, v *Viewer) {
	year, err := pathYear(r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AnnualReopen", fault.Invalid, err))
		return
	}
	org := r.PathValue("org")
	if err := h.annual().Reopen(r.Context(), who(v), year, org, r.PostForm.Get("until"), r.PostForm.Get("comment")); err != nil {
		h.annualFail(w, r, v, r.PostForm, err)
		return
	}
	http.Redirect(w, r, "/annual/"+strconv.Itoa(year)+"/"+url.PathEscape(org)+"?saved=reopened", http.StatusSeeOther)
}

// AnnualDefineForm shows the form editor: the JSON of the form (the
// default of the kind, or a participant's current form), whom it is for
// and the deadline.
func (h *Handler) AnnualDefineForm(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	if year == 0 {
		year = h.now().Year()
	}
	target := q.Get("target")
	def, deadline := "", ""
	if target != "" && !strings.HasPrefix(target, "kind:") {
		if f, err := h.store.AnnualForm(r.Context(), year, target); err == nil {
			if form, err := annual.ParseForm([]byte(f.Definition)); err == nil {
				def, deadline = form.JSON(), f.Deadline
			}
		}
	}
	if def == "" {
		kind := participant.KindParticipant
		if target == "kind:commission" || strings.HasPrefix(target, "commission.") {
			kind = participant.KindCommission
		}
		def = annual.Default(kind).JSON()
	}
	if deadline == "" {
		deadline = annual.DefaultDeadline(year)
	}
	h.annualDefine(w, r, v, url.Values{"year": {strconv.Itoa(year)}, "target": {target}, "definition": {def}, "deadline": {deadline}}, nil, http.StatusOK)
}

func (h *Handler) annualDefine(w http.ResponseWriter, r *http.Request, v *Viewer, values url.Values, errs []fault.FieldError, status int) {
	if !who(v).Operator() {
		h.Fail(w, r, v, fault.E("web.AnnualDefine", fault.Forbidden, msgAnnualNoAccess))
		return
	}
	lang := Language(w, r)
	ps, err := h.store.Participants(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	type option struct{ Value, Label string }
	opts := []option{{"kind:participant", messages["annual.kind.participant"].In(lang)}, {"kind:commission", messages["annual.kind.commission"].In(lang)}}
	for _, p := range ps {
		if p.Kind != participant.KindOperator {
			opts = append(opts, option{p.Code, p.Name.In(lang)})
		}
	}
	byField := map[string]string{}
	var formErrs []string
	for _, e := range errs {
		switch e.Field {
		case "year", "deadline", "targets":
			byField[e.Field] = e.Message.In(lang)
		default:
			formErrs = append(formErrs, e.Field+": "+e.Message.In(lang))
		}
	}
	var measures []annual.Measure
	measures = append(measures, annual.Measures...)
	h.render(w, r, "annual_define", status, v, "annual.define", map[string]any{"Values": values, "Targets": opts, "Errors": byField,
		"FormErrors": formErrs, "HasErrors": len(errs) > 0, "Measures": measures})
}

// AnnualDefine defines the year's form for a participant or for every
// participant of a kind; every mistake is shown, each where it is.
func (h *Handler) AnnualDefine(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AnnualDefine", fault.Invalid, err))
		return
	}
	f := r.PostForm
	year, err := strconv.Atoi(strings.TrimSpace(f.Get("year")))
	if err != nil {
		year = 0
	}
	var targets []string
	if t := f.Get("target"); t != "" {
		targets = []string{t}
	}
	err = h.annual().Define(r.Context(), who(v), year, targets, f.Get("definition"), strings.TrimSpace(f.Get("deadline")))
	if k := fault.KindOf(err); k == fault.Invalid || k == fault.Conflict {
		h.annualDefine(w, r, v, f, append(fault.FieldsOf(err), conflictField(err)...), map[fault.Kind]int{fault.Invalid: 422, fault.Conflict: 409}[k])
		return
	}
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/annual/"+strconv.Itoa(year)+"?saved=defined", http.StatusSeeOther)
}

// conflictField turns a conflict without field details into one shown
// with the form.
func conflictField(err error) []fault.FieldError {
	if len(fault.FieldsOf(err)) > 0 || !fault.Is(err, fault.Conflict) {
		return nil
	}
	msg, _ := fault.MessageOf(err)
	return []fault.FieldError{{Field: "form", Code: "conflict", Message: msg}}
}

// AnnualNational sends the consolidated national report of a year as PDF
// or XLSX, in the reader's language, audited.
func (h *Handler) AnnualNational(w http.ResponseWriter, r *http.Request, v *Viewer) {
	year, err := pathYear(r)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	format := r.PathValue("format")
	if format != "pdf" && format != "xlsx" {
		h.Fail(w, r, v, fault.E("web.AnnualNational", fault.NotFound, i18n.T("Belə format yoxdur", "There is no such format", "Такого формата нет")))
		return
	}
	lang := Language(w, r)
	doc, err := h.annual().National(r.Context(), who(v), year, lang, func(code string) string { return h.orgName(lang, code) })
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var buf strings.Builder
	write := export.XLSX
	ctype := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if format == "pdf" {
		write, ctype = export.PDF, "application/pdf"
	}
	if err := write(&buf, doc); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.store.Audit(r.Context(), annualAudit(v, year, format))
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="annual-report-`+strconv.Itoa(year)+`.`+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(buf.String()))
}

func annualAudit(v *Viewer, year int, format string) audit.Entry {
	return audit.Entry{Actor: v.Actor, Action: "annual.national", Outcome: format, Detail: `{"year":` + strconv.Itoa(year) + `}`}
}
