package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/lifecycle"
	"github.com/scfwca/databank/internal/params"
	"github.com/scfwca/databank/internal/store"
)

var msgNoRegister = i18n.T("Müraciətlər reyestri dövlət orqanlarının əməkdaşları və operator üçündür",
	"The appeals register is for the staff of state bodies and the operator",
	"Реестр обращений — для сотрудников государственных органов и оператора")

// bodyGroup is the appeals of one body in the register.
type bodyGroup struct {
	Body    string
	Overdue []lifecycle.RegisteredAppeal
	Open    int
}

// Appeals is the appeals register (§4.2.5): the appeals each body
// registered, with their deadlines, and first the overdue ones, per body.
// The operator sees every body's; a body's staff their own. Its details —
// who applied, about what — are read on the child's profile, by the
// access policy; the register shows dates, kinds and states. Viewing it is
// audited.
func (h *Handler) Appeals(w http.ResponseWriter, r *http.Request, v *Viewer) {
	body := ""
	switch v.Subject.Role {
	case access.OperatorAdmin, access.OperatorAnalyst, access.Evaluator:
		body = r.URL.Query().Get("body")
	case access.OrgHead, access.OrgOfficer, access.CommissionMember:
		body = v.Org
	default:
		h.Fail(w, r, v, fault.E("web.Appeals", fault.Forbidden, msgNoRegister))
		return
	}
	set, err := h.store.Parameters(r.Context())
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	today := category.Today(h.now())
	reg, err := lifecycle.Register(r.Context(), h.store, body, params.Values(set).Get(params.AppealWorkingDays), today)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	groups := map[string]*bodyGroup{}
	var open []lifecycle.RegisteredAppeal
	for _, a := range reg {
		g := groups[a.Body]
		if g == nil {
			g = &bodyGroup{Body: a.Body}
			groups[a.Body] = g
		}
		if a.Open() {
			g.Open++
			open = append(open, a)
		}
		if a.Overdue {
			g.Overdue = append(g.Overdue, a)
		}
	}
	var list []*bodyGroup
	for _, g := range groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		if len(list[i].Overdue) != len(list[j].Overdue) {
			return len(list[i].Overdue) > len(list[j].Overdue)
		}
		return list[i].Body < list[j].Body
	})
	sort.Slice(open, func(i, j int) bool { return open[i].Due.Before(open[j].Due) })
	detail, _ := json.Marshal(map[string]any{"body": body, "appeals": len(reg)})
	if err := h.store.Audit(r.Context(), audit.Entry{Actor: v.Actor, Action: "appeals.register", Outcome: fmt.Sprintf("%d shown", len(reg)),
		Detail: string(detail)}); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "appeals", http.StatusOK, v, "appeals.title", map[string]any{"Groups": list, "Open": open, "Body": body,
		"Today": today.String()})
}

// Holidays shows the public holidays of this year and the next; the
// operator's administrator adds one or removes one (the evaluator sees
// them).
func (h *Handler) Holidays(w http.ResponseWriter, r *http.Request, v *Viewer) {
	h.holidays(w, r, v, nil, store.HolidayChange{}, http.StatusOK)
}

func (h *Handler) holidays(w http.ResponseWriter, r *http.Request, v *Viewer, errs map[string]string, typed store.HolidayChange, status int) {
	change, ok := h.adminAccess(w, r, v)
	if !ok {
		return
	}
	year := category.Today(h.now()).Year
	hs, err := lifecycle.Holidays(r.Context(), h.store, year, year+1)
	if err != nil {
		h.Fail(w, r, v, err)
		return
	}
	h.render(w, r, "holidays", status, v, "holidays.title", map[string]any{"Holidays": hs, "Change": change, "Errors": errs,
		"Typed": typed, "Saved": r.URL.Query().Get("saved")})
}

// SetHoliday adds a public holiday, or removes one.
func (h *Handler) SetHoliday(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if !h.adminChange(w, r, v, "web.SetHoliday") {
		return
	}
	lang := Language(w, r)
	f := r.PostForm
	hc := store.HolidayChange{Day: f.Get("day"), NameAZ: strings.TrimSpace(f.Get("name_az")), NameEN: strings.TrimSpace(f.Get("name_en")),
		NameRU: strings.TrimSpace(f.Get("name_ru")), Removed: f.Get("remove") == "1"}
	errs := map[string]string{}
	if _, err := category.ParseDate(hc.Day); err != nil {
		errs["day"] = category.Problem("day", "date_format").Message.In(lang)
	}
	if !hc.Removed {
		for k, val := range map[string]string{"name_az": hc.NameAZ, "name_en": hc.NameEN, "name_ru": hc.NameRU} {
			if val == "" {
				errs[k] = category.Problem(k, "required").Message.In(lang)
			}
		}
	}
	if len(errs) > 0 {
		h.holidays(w, r, v, errs, hc, http.StatusUnprocessableEntity)
		return
	}
	if err := h.store.SetHoliday(r.Context(), hc, v.Actor); err != nil {
		h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/admin/holidays?saved="+hc.Day, http.StatusSeeOther)
}
