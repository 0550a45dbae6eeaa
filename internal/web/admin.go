package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/ecabinet"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/params"
	"github.com/scfwca/databank/internal/store"
)

var msgNoAdmin = i18n.T("İdarəetmə paneli yalnız operatorun administratoru və qiymətləndirici üçündür",
	"The admin panel is for the operator's administrators and the evaluators only",
	"Панель администрирования — только для администраторов оператора и оценщиков")

// adminAccess checks who may see the panel and who may change it.
func (h *Handler) adminAccess(w http.ResponseWriter, r *http.Request, v *Viewer) (change, ok bool) {
	see, change := ecabinet.MayAdminister(v.Subject)
	if !see {
		h.Fail(w, r, v, fault.E("web.admin", fault.Forbidden, msgNoAdmin))
		return false, false
	}
	return change, true
}

// adminChange lets through a change posted as a form by the operator's
// administrator who may make changes; anyone else gets the refusal, and
// an unreadable form is refused too. op names the handler in errors.
func (h *Handler) adminChange(w http.ResponseWriter, r *http.Request, v *Viewer, op string) bool {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return false
	}
	if !change {
		h.Fail(w, r, v, fault.E(op, fault.Forbidden, msgNoAdmin))
		return false
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E(op, fault.Invalid, err))
		return false
	}
	return true
}

// Admin lists the organisations with their rights and certificates.
func (h *Handler) Admin(w http.ResponseWriter, r *http.Request, v *Viewer) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	ps, err := h.store.Participants(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	bs, err := h.store.Bindings(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	certs := map[string]int{}
	for _, b := range bs {
		certs[b.Participant]++
	}
	h.render(w, r, "admin", http.StatusOK, v, "admin.title", map[string]any{"Participants": ps, "Certs": certs, "Change": change})
}

// matrixRow is one category of an organisation's rights.
type matrixRow struct {
	Cat        *category.Category
	Send, Read bool
}

// AdminOrg shows an organisation: its competence and read rights, its
// staff, its certificates, and its access; the operator's administrator
// may change them.
func (h *Handler) AdminOrg(w http.ResponseWriter, r *http.Request, v *Viewer) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	h.orgPage(w, r, v, change, change, nil, http.StatusOK)
}

// orgPage shows an organisation; change allows its rights and access to
// be changed, staff its people to be registered and granted rights.
func (h *Handler) orgPage(w http.ResponseWriter, r *http.Request, v *Viewer, change, staffChange bool, errs map[string]string, status int) {
	code := r.PathValue("org")
	p, err := h.store.Participant(r.Context(), code)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	staff, err := h.store.Staff(r.Context(), code)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	bs, err := h.store.Bindings(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var certs []store.Binding
	for _, b := range bs {
		if b.Participant == code {
			certs = append(certs, b)
		}
	}
	email, err := h.store.ParticipantEmail(r.Context(), code)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var rows []matrixRow
	for _, c := range category.All() {
		rows = append(rows, matrixRow{Cat: c, Send: p.MaySend(c), Read: p.MayRead(c)})
	}
	h.render(w, r, "admin_org", status, v, "admin.title", map[string]any{
		"P": p, "Rows": rows, "Staff": staff, "Certs": certs, "Change": change, "Saved": r.URL.Query().Get("saved"), "CertError": errs["cert"], "EmailError": errs["email"], "Email": email,
		"StaffChange": staffChange, "Districts": classifier.Districts.Items(),
		"Roles": []access.Role{access.OrgOfficer, access.CommissionMember},
	})
}

// AdminRights saves an organisation's matrix of rights.
func (h *Handler) AdminRights(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if _, ok := h.adminAccess(w, r, v); !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AdminRights", fault.Invalid, err))
		return
	}
	code := r.PathValue("org")
	for _, kind := range []string{"send", "read"} {
		cats := r.PostForm[kind]
		if cats == nil {
			cats = []string{}
		}
		if err := h.cabinets.SetRights(r.Context(), v.Subject, v.Actor, code, kind, cats); err != nil {
			h.Fail(w, r, v, err)
			return
		}
	}
	http.Redirect(w, r, "/admin/orgs/"+url.PathEscape(code)+"?saved=rights", http.StatusSeeOther)
}

// AdminBind binds a certificate, pasted or uploaded as PEM, to an
// organisation: its system then signs and authenticates with it.
func (h *Handler) AdminBind(w http.ResponseWriter, r *http.Request, v *Viewer) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	lang := Language(w, r)
	if !change {
		h.Fail(w, r, v, fault.E("web.AdminBind", fault.Forbidden, msgNoAdmin))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	var pemText []byte
	if err := r.ParseMultipartForm(1 << 20); err == nil {
		if f, _, err := r.FormFile("cert"); err == nil {
			pemText, _ = io.ReadAll(io.LimitReader(f, 1<<20))
			f.Close()
		}
	} else if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AdminBind", fault.Invalid, err))
		return
	}
	if len(bytes.TrimSpace(pemText)) == 0 {
		pemText = []byte(r.FormValue("pem"))
	}
	code := r.PathValue("org")
	block, _ := pem.Decode(pemText)
	var cert *x509.Certificate
	if block != nil && block.Type == "CERTIFICATE" {
		cert, _ = x509.ParseCertificate(block.Bytes)
	}
	if cert == nil {
		h.orgPage(w, r, v, change, change, map[string]string{"cert": msgNotACert.In(lang)}, http.StatusUnprocessableEntity)
		return
	}
	sum := sha256.Sum256(cert.Raw)
	if err := h.store.Bind(r.Context(), cert.Subject.String(), hex.EncodeToString(sum[:]), code, v.Actor); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+url.PathEscape(code)+"?saved=cert", http.StatusSeeOther)
}

var msgNotACert = i18n.T("Bu PEM formatında X.509 sertifikatı deyil (-----BEGIN CERTIFICATE----- ilə başlamalıdır)",
	"This is not an X.509 certificate in PEM (it begins -----BEGIN CERTIFICATE-----)",
	"Это не сертификат X.509 в формате PEM (он начинается с -----BEGIN CERTIFICATE-----)")

// AdminAccess suspends or restores an organisation's access, with a
// reason.
func (h *Handler) AdminAccess(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if _, ok := h.adminAccess(w, r, v); !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.AdminAccess", fault.Invalid, err))
		return
	}
	code := r.PathValue("org")
	err := h.cabinets.Suspend(r.Context(), v.Subject, v.Actor, "", code, r.PostForm.Get("suspend") == "1", r.PostForm.Get("reason"))
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+url.PathEscape(code)+"?saved=access", http.StatusSeeOther)
}

// Audit is the audit viewer: the operator's administrators and the
// security service's auditors filter the log and export it as CSV.
func (h *Handler) Audit(w http.ResponseWriter, r *http.Request, v *Viewer) {
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Org: q.Get("org"), Action: q.Get("action"), Limit: 200}
	for name, t := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if s := q.Get(name); s != "" {
			if d, err := category.ParseDate(s); err == nil {
				*t = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, category.Baku)
			}
		}
	}
	if key := q.Get("child"); key != "" {
		id, err := h.registry.Identify(r.Context(), key)
		if err != nil {
			h.Fail(w, r, v, err)
			return
		}
		f.ChildID = id
	}
	entries, err := h.cabinets.ViewAudit(r.Context(), v.Subject, v.Actor, f)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	csv := url.Values{}
	for k, vs := range q {
		csv[k] = vs
	}
	csv.Set("format", "csv")
	csv.Del("lang")
	h.render(w, r, "audit", http.StatusOK, v, "audit.title", map[string]any{
		"Entries": entries, "Q": q, "CSV": "/api/v1/audit?" + csv.Encode(), "Count": strconv.Itoa(len(entries)),
	})
}

// Classifiers shows every classifier the categories draw from, in every
// language.
func (h *Handler) Classifiers(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.classifiers(w, r, v, classifier.Change{}, nil, http.StatusOK)
}

func (h *Handler) classifiers(w http.ResponseWriter, r *http.Request, v *Viewer, typed classifier.Change, errs map[string]string, status int) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	h.render(w, r, "classifiers", status, v, "admin.classifiers", map[string]any{"Lists": classifier.All(), "Change": change,
		"Typed": typed, "Errors": errs, "Saved": r.URL.Query().Get("saved")})
}

// ChangeClassifier adds, renames or retires an item of a classifier, for
// the operator's administrator; wrong fields are shown beside themselves.
func (h *Handler) ChangeClassifier(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if !h.adminChange(w, r, v, "web.ChangeClassifier") {
		return
	}
	lang := Language(w, r)
	f := r.PostForm
	c := classifier.Change{List: f.Get("list"), Code: strings.TrimSpace(f.Get("code")), Parent: f.Get("parent"),
		Name:    i18n.T(strings.TrimSpace(f.Get("name_az")), strings.TrimSpace(f.Get("name_en")), strings.TrimSpace(f.Get("name_ru"))),
		Retired: f.Get("retired") == "on"}
	fail := func(fields []fault.FieldError) {
		errs := map[string]string{}
		for _, fe := range fields {
			errs[fe.Field] = fe.Message.In(lang)
		}
		h.classifiers(w, r, v, c, errs, http.StatusUnprocessableEntity)
	}
	if fields := classifier.Check(c); len(fields) > 0 {
		fail(fields)
		return
	}
	if err := h.store.ChangeClassifier(r.Context(), c, v.Actor); err != nil {
		if fault.Is(err, fault.Invalid) {
			fail([]fault.FieldError{{Field: "code", Code: "classifier_change", Message: i18n.T(err.Error(), err.Error(), err.Error())}})
			return
		}
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/classifiers?saved="+url.QueryEscape(c.List)+"#list-"+url.PathEscape(c.List), http.StatusSeeOther)
}

// MyOrg is a head's page of their own organisation: its rights (to see)
// and its people, whom the head registers and grants rights.
func (h *Handler) MyOrg(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if v.Subject.Role != access.OrgHead || v.Subject.Org == nil {
		h.Fail(w, r, v, fault.E("web.MyOrg", fault.Forbidden, msgNoAdmin))
		return
	}
	r.SetPathValue("org", v.Subject.Org.Code)
	h.orgPage(w, r, v, false, true, nil, http.StatusOK)
}

// StaffRegister registers a person with the organisation, by FIN.
func (h *Handler) StaffRegister(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.StaffRegister", fault.Invalid, err))
		return
	}
	org := r.PathValue("org")
	if err := h.cabinets.Register(r.Context(), v.Subject, v.Actor, org, r.PostForm.Get("fin"), access.Role(r.PostForm.Get("role"))); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, h.orgURL(v, org)+"?saved=staff", http.StatusSeeOther)
}

// StaffGrant gives a registered person a right.
func (h *Handler) StaffGrant(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, v, fault.E("web.StaffGrant", fault.Invalid, err))
		return
	}
	org, f := r.PathValue("org"), r.PostForm
	g := access.Grant{Category: f.Get("category"), Read: f.Get("read") != "", Write: f.Get("write") != "", District: f.Get("district")}
	if s := f.Get("until"); s != "" {
		d, err := category.ParseDate(s)
		if err != nil {
			h.Fail(w, r, v, fault.E("web.StaffGrant", fault.Invalid, category.Problem("until", "date_format")))
			return
		}
		g.Until = d
	}
	if err := h.cabinets.Grant(r.Context(), v.Subject, v.Actor, org, f.Get("fin"), g); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, h.orgURL(v, org)+"?saved=grant", http.StatusSeeOther)
}

func (h *Handler) orgURL(v *Viewer, org string) string {
	if v.Subject.Role == access.OrgHead {
		return "/org"
	}
	return "/admin/orgs/" + url.PathEscape(org)
}

// OnParams sets what runs when the administrator changes a parameter: the
// server puts the parameters in force at once.
func (h *Handler) OnParams(fn func(context.Context) error) { h.paramsChanged = fn }

// paramRow is a parameter as the page shows it.
type paramRow struct {
	params.Param
	Value int
	Set   bool
	Error string
}

// Parameters shows the operational parameters; the operator's
// administrator changes them, the evaluator sees them. logDelay is the
// configured access-log delay, the default of its parameter.
func (h *Handler) Parameters(w http.ResponseWriter, r *http.Request, v *Viewer, logDelay time.Duration) {
	h.parameters(w, r, v, logDelay, "", "", http.StatusOK)
}

func (h *Handler) parameters(w http.ResponseWriter, r *http.Request, v *Viewer, logDelay time.Duration, failed, msg string, status int) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	set, err := h.store.Parameters(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	var rows []paramRow
	for _, p := range params.All() {
		if p.Key == params.AccessLogDelayDays {
			p.Default = int(logDelay.Hours() / 24)
		}
		row := paramRow{Param: p, Value: p.Default}
		if n, ok := set[p.Key]; ok {
			row.Value, row.Set = n, true
		}
		if p.Key == failed {
			row.Error = msg
		}
		rows = append(rows, row)
	}
	h.render(w, r, "parameters", status, v, "params.title", map[string]any{"Params": rows, "Change": change,
		"Saved": r.URL.Query().Get("saved")})
}

// SetParameter saves one parameter and puts it in force.
func (h *Handler) SetParameter(w http.ResponseWriter, r *http.Request, v *Viewer, logDelay time.Duration) {
	if !h.adminChange(w, r, v, "web.SetParameter") {
		return
	}
	key := r.PostForm.Get("key")
	n, err := params.Parse(key, r.PostForm.Get("value"))
	if err != nil {
		msg := err.Error()
		if fs := fault.FieldsOf(err); len(fs) > 0 {
			msg = fs[0].Message.In(Language(w, r))
		}
		h.parameters(w, r, v, logDelay, key, msg, http.StatusUnprocessableEntity)
		return
	}
	if err := h.store.SetParameter(r.Context(), key, n, v.Actor); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	if h.paramsChanged != nil {
		if err := h.paramsChanged(r.Context()); err != nil {
			h.Fail(w, r, v, err)
			return
		}
	}
	http.Redirect(w, r, "/admin/parameters?saved="+url.QueryEscape(key), http.StatusSeeOther)
}
