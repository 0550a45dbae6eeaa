package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/reports"
	"github.com/scfwca/databank/internal/store"
)

// listPage is what the list's template gets.
type listPage struct {
	Def       string
	Row, Col  []string
	List      *reports.List
	Count     int64
	CountText string
	Long      bool // too long to show: prepare it in the background
	Heavy     bool
	Purpose   string
	Errors    map[string]string
	Back      string
	Formats   []string
	HiddenTx  string
}

// List shows the children behind a cell of a report, within the reader's
// rights; a long list is offered in the background instead.
func (rp *Reports) List(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	q := r.URL.Query()
	def, err := reports.Decode([]byte(q.Get("def")))
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	cell := reports.Cell{Row: q["row"], Column: q["col"]}
	data := listPage{Def: q.Get("def"), Row: cell.Row, Col: cell.Column, Purpose: strings.TrimSpace(q.Get("purpose")),
		Errors: map[string]string{}, Back: "/reports?" + url.Values{"def": {q.Get("def")}}.Encode(), Formats: []string{"csv", "xlsx", "pdf"}}
	ctx := r.Context()
	// How many children the cell holds, from the counts (not personal).
	if def.Heavy() {
		data.Heavy = true
	} else {
		res, err := rp.svc.Run(ctx, v.Subject, def, nil)
		if err != nil {
			rp.h.Fail(w, r, v, err)
			return
		}
		data.Count = cellCount(res, cell)
		data.CountText = formatNumber(lang, float64(data.Count))
		data.Long = data.Count > listThreshold
	}
	status := http.StatusOK
	if !data.Heavy && !data.Long {
		l, err := rp.svc.List(ctx, reports.Reader{Actor: v.Actor, Subject: v.Subject, Purpose: data.Purpose}, def, cell)
		switch {
		case fault.Is(err, fault.Invalid):
			status = http.StatusUnprocessableEntity
			for _, fe := range fault.FieldsOf(err) {
				data.Errors[fe.Field] = fe.Message.In(lang)
			}
		case err != nil:
			rp.h.Fail(w, r, v, err)
			return
		default:
			data.List = l
			if l.Hidden > 0 {
				data.HiddenTx = reports.T(lang, "hidden", l.Hidden)
			}
		}
	}
	rp.h.render(w, r, "reports_list", status, v, "reports.list.title", data)
}

// cellCount is the count of the cell a list is about.
func cellCount(res *reports.Result, cell reports.Cell) int64 {
	eq := func(a, b []string) bool { return strings.Join(a, "\x1f") == strings.Join(b, "\x1f") }
	switch {
	case len(cell.Row) == 0 && len(cell.Column) == 0:
		return res.Total
	case len(cell.Column) == 0:
		for i, r := range res.Rows {
			if eq(r, cell.Row) {
				return res.RowTotals[i]
			}
		}
	case len(cell.Row) == 0:
		for j, c := range res.Columns {
			if eq(c, cell.Column) {
				return res.ColumnTotals[j]
			}
		}
	default:
		for i, r := range res.Rows {
			for j, c := range res.Columns {
				if eq(r, cell.Row) && eq(c, cell.Column) {
					return res.Cells[i][j]
				}
			}
		}
	}
	return 0
}

// SubmitJob queues a report in the background — an export of a table, a
// heavy table, or a long list — and shows its progress page.
func (rp *Reports) SubmitJob(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	if err := r.ParseForm(); err != nil {
		rp.h.Fail(w, r, v, fault.E("web.SubmitJob", fault.Invalid, err))
		return
	}
	def, err := reports.Decode([]byte(r.PostForm.Get("def")))
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	req := reports.JobRequest{Kind: r.PostForm.Get("kind"), Format: r.PostForm.Get("format"), Definition: def,
		Cell: reports.Cell{Row: r.PostForm["row"], Column: r.PostForm["col"]}, Purpose: strings.TrimSpace(r.PostForm.Get("purpose")), Lang: lang}
	id, err := rp.svc.Submit(r.Context(), reports.Owner{FIN: v.FIN, Org: v.Org, Subject: v.Subject, Actor: v.Actor}, req)
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/jobs/%d", id), http.StatusSeeOther)
}

// Jobs lists the person's reports run in the background.
func (rp *Reports) Jobs(w http.ResponseWriter, r *http.Request, v *Viewer) {
	jobs, err := rp.svc.Jobs(r.Context(), v.FIN)
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	rp.h.render(w, r, "reports_jobs", http.StatusOK, v, "reports.jobs.title", jobs)
}

// jobPage is what a job's template gets.
type jobPage struct {
	Job     store.ReportJob
	Running bool
	Table   *tableView
	Chart   template.URL
	Error   string
}

// Job shows a job's progress, refreshing itself while it runs, and its
// result once done: the table of a cross-tab, a download for the rest.
func (rp *Reports) Job(w http.ResponseWriter, r *http.Request, v *Viewer) {
	lang := Language(w, r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	j, err := rp.svc.Job(r.Context(), v.FIN, id)
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	data := jobPage{Job: j, Running: j.State == "queued" || j.State == "running", Error: j.Error}
	if data.Running {
		w.Header().Set("Refresh", "2")
	}
	if j.State == "done" && j.Kind == "crosstab" && j.Format == "json" {
		_, body, err := rp.svc.JobResult(r.Context(), v.FIN, id)
		if err != nil {
			rp.h.Fail(w, r, v, err)
			return
		}
		var res reports.Result
		if err := json.Unmarshal(body, &res); err != nil {
			rp.h.Fail(w, r, v, err)
			return
		}
		def, _ := json.Marshal(res.Definition)
		t := rp.view(lang, &res, string(def))
		data.Table, data.Chart = &t, rp.chartOf(lang, &res)
	}
	rp.h.render(w, r, "reports_job", http.StatusOK, v, "reports.job.title", data)
}

// Download gives a finished job's result to its owner.
func (rp *Reports) Download(w http.ResponseWriter, r *http.Request, v *Viewer) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	j, body, err := rp.svc.JobResult(r.Context(), v.FIN, id)
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	ServeReport(w, j, body)
}

// ServeReport writes a job's result as a download.
func ServeReport(w http.ResponseWriter, j store.ReportJob, body []byte) {
	w.Header().Set("Content-Type", j.ResultType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", j.ResultName))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

// Save saves the definition on the page under a name, for the person's
// organisation.
func (rp *Reports) Save(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if !reports.MayReport(v.Subject) {
		rp.h.Fail(w, r, v, fault.E("web.Reports", fault.Forbidden, reportText("reports.forbidden")))
		return
	}
	if err := r.ParseForm(); err != nil {
		rp.h.Fail(w, r, v, fault.E("web.Save", fault.Invalid, err))
		return
	}
	raw := r.PostForm.Get("def")
	def, err := reports.Decode([]byte(raw))
	if err == nil {
		err = def.Validate(category.Today(rp.h.now()), rp.svc.Limits)
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if err == nil && (name == "" || len([]rune(name)) > 200) {
		err = fault.E("web.Save", fault.Invalid, fault.FieldError{Field: "name", Code: "name_required", Message: reportText("reports.name.required")})
	}
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	b, _ := json.Marshal(def)
	id, err := rp.h.store.SaveReport(r.Context(), v.FIN, orgKey(v), name, string(b))
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/reports?saved=%d", id), http.StatusSeeOther)
}

// DeleteSaved deletes a saved report; only its owner may.
func (rp *Reports) DeleteSaved(w http.ResponseWriter, r *http.Request, v *Viewer) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	sr, err := rp.h.store.SavedReport(r.Context(), id)
	if err == nil && sr.Org != orgKey(v) {
		err = fault.E("web.DeleteSaved", fault.NotFound, reportText("reports.nosaved"))
	}
	if err == nil && sr.OwnerFIN != v.FIN {
		err = fault.E("web.DeleteSaved", fault.Forbidden, reportText("reports.notowner"))
	}
	if err == nil {
		err = rp.h.store.DeleteSavedReport(r.Context(), id)
	}
	if err != nil {
		rp.h.Fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/reports", http.StatusSeeOther)
}
