package exchange

import (
	"net/http"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/annual"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/problem"
)

// AnnualForm is the answer to GET /exchange/v1/annual/{year}/form: the
// form the participant reports on, its deadline and the Data Bank's own
// figures for its scope.
type AnnualForm struct {
	Year        int              `json:"year"`
	Participant string           `json:"participant"`
	Deadline    string           `json:"deadline"`
	LastDay     string           `json:"last_day"`
	Locked      bool             `json:"locked"`
	State       string           `json:"state"`
	Form        *annual.Form     `json:"form"`
	Computed    map[string]int64 `json:"computed"`
}

// AnnualReport is a participant's report as it stands: its state, values,
// lateness and history with the operator's comments.
type AnnualReport struct {
	Year        int            `json:"year"`
	Participant string         `json:"participant"`
	State       string         `json:"state"`
	Late        bool           `json:"late"`
	SubmittedAt *string        `json:"submitted_at"`
	Deadline    string         `json:"deadline"`
	LastDay     string         `json:"last_day"`
	Locked      bool           `json:"locked"`
	Values      map[string]any `json:"values"`
	History     []AnnualStep   `json:"history"`
}

// AnnualStep is a step of a report's history.
type AnnualStep struct {
	At      string `json:"at"`
	Actor   string `json:"actor"`
	Org     string `json:"org,omitempty"`
	What    string `json:"what"`
	Comment string `json:"comment,omitempty"`
}

func (h *Handler) annual() *annual.Service { return annual.New(h.store, h.opt.Now) }

func (c *caller) who() annual.Who { return annual.Who{Subject: c.policySubject(), Actor: c.actor} }

func baku(t time.Time) string { return t.In(category.Baku).Format(time.RFC3339) }

// annualYear reads the year of the path, refusing one that is not a year.
func (h *Handler) annualYear(w http.ResponseWriter, r *http.Request, c *caller) (int, bool) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		h.refuse(w, r, c, &refusal{status: http.StatusUnprocessableEntity, code: "year_invalid", detail: "the year is a number from 2000 to 2100"})
		return 0, false
	}
	return y, true
}

// getAnnualForm answers with the participant's form for a year.
func (h *Handler) getAnnualForm(w http.ResponseWriter, r *http.Request, c *caller) {
	year, ok := h.annualYear(w, r, c)
	if !ok {
		return
	}
	svc := h.annual()
	rep, err := svc.Report(r.Context(), c.who(), year, c.p.Code)
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	computed, _, err := svc.Measures(r.Context(), year, c.p.Code)
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	problem.JSON(w, http.StatusOK, AnnualForm{Year: year, Participant: c.p.Code, Deadline: rep.Deadline, LastDay: annual.LastDay(&rep.AnnualForm),
		Locked: rep.Locked, State: rep.State, Form: rep.Form, Computed: computed})
}

// getAnnualReport answers with the participant's report for a year.
func (h *Handler) getAnnualReport(w http.ResponseWriter, r *http.Request, c *caller) {
	year, ok := h.annualYear(w, r, c)
	if !ok {
		return
	}
	rep, err := h.annual().Report(r.Context(), c.who(), year, c.p.Code)
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	problem.JSON(w, http.StatusOK, annualReport(rep))
}

func annualReport(rep *annual.Report) AnnualReport {
	out := AnnualReport{Year: rep.Year, Participant: rep.Participant, State: rep.State, Late: rep.Late, Deadline: rep.Deadline,
		LastDay: annual.LastDay(&rep.AnnualForm), Locked: rep.Locked, Values: rep.Values, History: []AnnualStep{}}
	if !rep.SubmittedAt.IsZero() {
		s := baku(rep.SubmittedAt)
		out.SubmittedAt = &s
	}
	for _, e := range rep.Events {
		out.History = append(out.History, AnnualStep{At: baku(e.At), Actor: e.Actor, Org: e.Org, What: e.What, Comment: e.Comment})
	}
	return out
}

// putAnnualReport receives a signed report: the body is the document
// {"participant","year","values"} and X-Signature its detached CMS
// signature, verified like a batch's and kept with the body as evidence.
// The values are checked against the form and every wrong one named; a
// report after the last day is refused unless the operator reopened it.
func (h *Handler) putAnnualReport(w http.ResponseWriter, r *http.Request, c *caller) {
	year, ok := h.annualYear(w, r, c)
	if !ok {
		return
	}
	body, signer, sigB64, err := h.signedBody(w, r, c, "report")
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	svc := h.annual()
	if err := svc.Submit(r.Context(), c.who(), year, c.p.Code, body, annual.Evidence{Signature: sigB64, SignerSubject: signer,
		ClientSubject: c.subject, Via: "exchange"}); err != nil {
		h.refuse(w, r, c, err)
		return
	}
	rep, err := svc.Report(r.Context(), c.who(), year, c.p.Code)
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	problem.JSON(w, http.StatusOK, annualReport(rep))
}
