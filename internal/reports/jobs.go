package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/export"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/store"
)

// JobRequest is a report to run in the background: a cross-tab (Format
// json, csv, xlsx or pdf) or the list of the children behind a cell
// (csv, xlsx or pdf).
type JobRequest struct {
	Kind       string     `json:"kind"` // crosstab | list
	Format     string     `json:"format"`
	Definition Definition `json:"definition"`
	Cell       Cell       `json:"cell,omitzero"`
	Purpose    string     `json:"purpose,omitempty"`
	// Lang is the language of the labels of an export.
	Lang i18n.Lang `json:"lang,omitempty"`
}

// Owner is who submits a job: the person and the organisation they act
// for, and their subject as the policy sees it now (the job runs with the
// rights the person has when it runs).
type Owner struct {
	FIN, Org string
	Subject  access.Subject
	Actor    audit.Actor
}

// Job retention.
const (
	// JobKeep is how long a finished job and its result are kept.
	JobKeep = 24 * time.Hour
	// jobQueueKeep is how long a job may wait in the queue.
	jobQueueKeep = 7 * 24 * time.Hour
	jobLease     = 2 * time.Minute
)

var formats = map[string][]string{"crosstab": {"json", "csv", "xlsx", "pdf"}, "list": {"csv", "xlsx", "pdf"}}

// Submit checks a job and queues it; it returns the job's id.
func (s *Service) Submit(ctx context.Context, owner Owner, req JobRequest) (int64, error) {
	if !MayReport(owner.Subject) {
		return 0, fault.E("reports.Submit", fault.Forbidden, msgNoReports)
	}
	fs, ok := formats[req.Kind]
	if !ok {
		return 0, fault.E("reports.Submit", fault.Invalid, problem("kind", "one_of", "crosstab, list"), msgInvalid)
	}
	if !slices.Contains(fs, req.Format) {
		return 0, fault.E("reports.Submit", fault.Invalid, problem("format", "unknown_format", strings.Join(fs, ", ")), msgInvalid)
	}
	var err error
	if req.Kind == "list" {
		err = s.checkList(Reader{Actor: owner.Actor, Subject: owner.Subject, Purpose: req.Purpose}, req.Definition, req.Cell)
	} else {
		err = req.Definition.Validate(s.today(), s.Limits)
	}
	if err != nil {
		return 0, err
	}
	req.Lang = i18n.Parse(string(req.Lang))
	def, _ := json.Marshal(req.Definition)
	params, _ := json.Marshal(req)
	id, err := s.store.CreateReportJob(ctx, store.ReportJob{Kind: req.Kind, Format: req.Format, Definition: string(def),
		Params: string(params), OwnerFIN: owner.FIN, OwnerOrg: owner.Org}, s.now().Add(jobQueueKeep))
	if err != nil {
		return 0, err
	}
	s.wake()
	return id, nil
}

// Job returns a job of its owner; anyone else is told there is none.
func (s *Service) Job(ctx context.Context, ownerFIN string, id int64) (store.ReportJob, error) {
	j, err := s.store.ReportJob(ctx, id)
	if err == nil && j.OwnerFIN != ownerFIN {
		err = fault.E("reports.Job", fault.NotFound, msgNoJob, errors.New("another person's job"))
	}
	if fault.Is(err, fault.NotFound) {
		return j, fault.E("reports.Job", fault.NotFound, msgNoJob, err)
	}
	return j, err
}

// Jobs lists a person's recent jobs, newest first.
func (s *Service) Jobs(ctx context.Context, ownerFIN string) ([]store.ReportJob, error) {
	return s.store.ReportJobs(ctx, ownerFIN, 50)
}

// JobResult returns a finished job's result for its owner.
func (s *Service) JobResult(ctx context.Context, ownerFIN string, id int64) (store.ReportJob, []byte, error) {
	j, err := s.Job(ctx, ownerFIN, id)
	if err != nil {
		return j, nil, err
	}
	if j.State != "done" {
		return j, nil, fault.E("reports.JobResult", fault.Conflict, msgNotReady, fmt.Errorf("job %d is %s", id, j.State))
	}
	b, err := s.store.ReportJobResult(ctx, id)
	return j, b, err
}

// JobRequestOf reads back what a job was asked to do.
func JobRequestOf(j store.ReportJob) (JobRequest, error) {
	var req JobRequest
	err := json.Unmarshal([]byte(j.Params), &req)
	return req, err
}

func (s *Service) wake() {
	select {
	case s.wakeC <- struct{}{}:
	default:
	}
}

// Worker runs the queued jobs of every server on the database, one at a
// time, until ctx ends: it claims each job with a conditional UPDATE (so
// that of several servers exactly one runs it), runs it as its owner with
// the rights the owner has now, and keeps the result for JobKeep. It also
// deletes the expired jobs.
type Worker struct {
	Service *Service
	// Holder names this server in the claims.
	Holder string
	// Owner returns a job owner's subject as of now.
	Owner func(ctx context.Context, fin, org string) (access.Subject, error)
	// Label names dimensions and values in exports.
	Label Labeler
	Log   *slog.Logger
	// Every is how often the queue is looked at when nothing wakes the
	// worker; 5 seconds when zero.
	Every time.Duration
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	every := w.Every
	if every == 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for {
			ran, err := w.Once(ctx)
			if err != nil && ctx.Err() == nil {
				w.Log.Warn("report job", "err", err)
			}
			if !ran {
				break
			}
		}
		if _, err := w.Service.store.DeleteExpiredReportJobs(ctx); err != nil && ctx.Err() == nil {
			w.Log.Warn("deleting expired report jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.Service.wakeC:
		}
	}
}

// Once claims and runs one job; it reports whether there was one.
func (w *Worker) Once(ctx context.Context) (bool, error) {
	s := w.Service
	j, err := s.store.ClaimReportJob(ctx, w.Holder, jobLease)
	if fault.Is(err, fault.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	body, ctype, name, runErr := w.run(ctx, j)
	msg := ""
	if runErr != nil {
		msg = "internal error"
		if m, ok := fault.MessageOf(runErr); ok && !fault.Is(runErr, fault.Other) {
			msg = m.EN
			if fields := fault.FieldsOf(runErr); len(fields) > 0 {
				var parts []string
				for _, f := range fields {
					parts = append(parts, f.Field+": "+f.Message.EN)
				}
				msg += " (" + strings.Join(parts, "; ") + ")"
			}
		} else {
			w.Log.Error("report job failed", "job", j.ID, "err", runErr)
		}
	}
	if err := s.store.FinishReportJob(ctx, j.ID, w.Holder, body, ctype, name, msg, s.now().Add(JobKeep)); err != nil {
		return true, err
	}
	return true, nil
}

// run runs a claimed job and returns its result.
func (w *Worker) run(ctx context.Context, j store.ReportJob) ([]byte, string, string, error) {
	s := w.Service
	req, err := JobRequestOf(j)
	if err != nil {
		return nil, "", "", err
	}
	sub, err := w.Owner(ctx, j.OwnerFIN, j.OwnerOrg)
	if err != nil {
		return nil, "", "", err
	}
	actor := audit.Actor{Kind: audit.Person, ID: j.OwnerFIN, Org: j.OwnerOrg, Role: string(sub.Role)}
	last := time.Time{}
	progress := func(f float64) {
		if time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		s.store.ReportJobProgress(ctx, j.ID, w.Holder, min(int(f*100), 99), jobLease)
	}
	label := w.Label
	if label == nil {
		label = func(_ i18n.Lang, dm Dimension, code string) string {
			if code == "" {
				return dm.Key()
			}
			return code
		}
	}
	doc := export.Document{Generated: s.now()}
	stamp := s.now().In(baku()).Format("2006-01-02")
	switch req.Kind {
	case "crosstab":
		res, err := s.Run(ctx, sub, req.Definition, progress)
		if err != nil {
			return nil, "", "", err
		}
		if req.Format == "json" {
			b, err := json.Marshal(res)
			return b, "application/json", "report-" + stamp + ".json", err
		}
		doc.Title = res.Title(req.Lang, label)
		doc.Subtitle = res.Subtitle(req.Lang)
		doc.Tables = res.Tables(req.Lang, label)
	case "list":
		l, err := s.List(ctx, Reader{Actor: actor, Subject: sub, Purpose: req.Purpose}, req.Definition, req.Cell)
		if err != nil {
			return nil, "", "", err
		}
		doc.Title = T(req.Lang, "list_title")
		doc.Tables = []export.Table{l.Table(req.Lang, label)}
	}
	var buf bytes.Buffer
	name := "report-" + stamp + "." + req.Format
	switch req.Format {
	case "csv":
		err = export.CSV(&buf, doc.Tables[0])
		return buf.Bytes(), "text/csv; charset=utf-8", name, err
	case "xlsx":
		err = export.XLSX(&buf, doc)
		return buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, err
	case "pdf":
		err = export.PDF(&buf, doc)
		return buf.Bytes(), "application/pdf", name, err
	}
	return nil, "", "", fmt.Errorf("unknown format %q", req.Format)
}
