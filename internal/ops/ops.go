// Package ops keeps the Data Bank's incident register (§6.1.6–6.1.7) and
// watches for intrusions (§6.1.9). Failures the server notices by itself —
// the database unreachable, a backup's restore check failed, a spike of
// signature failures at the exchange, the disk nearly full — and the
// security events the intrusion rules raise over the audit stream become
// incidents, each recorded once per cause and period and notified to the
// operator by e-mail and to a configured webhook. The operator enters
// incidents by hand too, among them the security service's requests, to
// be answered within 24 hours.
package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"syscall"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/params"
	"github.com/scfwca/databank/internal/store"
)

// Ops raises incidents and runs the watches.
type Ops struct {
	store   *store.Store
	now     func() time.Time
	log     *slog.Logger
	webhook string
	client  *http.Client
}

// New returns the incident register; webhook, when set, receives every
// new incident as JSON.
func New(st *store.Store, now func() time.Time, log *slog.Logger, webhook string) *Ops {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Ops{store: st, now: now, log: log, webhook: webhook, client: &http.Client{Timeout: 5 * time.Second}}
}

var system = audit.SystemActor("ops")

// Raise records an incident unless one with its dedupe key is recorded,
// e-mails the operator and posts it to the webhook; it reports whether
// the incident is new.
func (o *Ops) Raise(ctx context.Context, in store.Incident) (bool, error) {
	operator, err := o.store.ParticipantEmail(ctx, category.OrgOperator)
	if err != nil {
		return false, err
	}
	mails := []store.Mail{{To: operator, Subject: fmt.Sprintf("[Data Bank] %s incident: %s", in.Severity, in.Title),
		Body: in.Detail + "\n\nSee the status page: /admin/status\n"}}
	id, opened, err := o.store.OpenIncident(ctx, in, mails, system)
	if err != nil || !opened {
		return opened, err
	}
	o.log.Warn("incident", "id", id, "source", in.Source, "severity", in.Severity) // the title may name a person: not in logs
	if o.webhook != "" {
		body, _ := json.Marshal(map[string]any{"id": id, "source": in.Source, "severity": in.Severity, "title": in.Title,
			"detail": in.Detail, "opened_at": o.now().UTC().Format(time.RFC3339)})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.webhook, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			if resp, err := o.client.Do(req); err != nil {
				o.log.Warn("incident webhook failed", "err", err)
			} else {
				resp.Body.Close()
			}
		}
	}
	return true, nil
}

// Rules are the intrusion rules' thresholds.
type Rules struct {
	ReadsPerHour    int  // profiles one person reads an hour
	RefusalsPerHour int  // refusals one person gets an hour
	FailedLogins    int  // refused logins in 15 minutes, all together
	UnknownCerts    int  // refused certificates at the exchange in 15 minutes
	SignatureErrors int  // refused signatures at the exchange in 5 minutes
	Suspend         bool // suspend a person who sets a rule off until the operator reviews
}

// RulesFrom reads the rules from the operator's parameters.
func RulesFrom(ctx context.Context, st *store.Store) (Rules, error) {
	set, err := st.Parameters(ctx)
	if err != nil {
		return Rules{}, err
	}
	v := params.Values(set)
	return Rules{ReadsPerHour: v.Get(params.ReadsPerHour), RefusalsPerHour: v.Get(params.RefusalsPerHour), FailedLogins: 10,
		UnknownCerts: 5, SignatureErrors: 20, Suspend: v.Get(params.IntrusionSuspend) == 1}, nil
}

var readActions = []string{"profile.read", "profile.history"}

// Watch applies the intrusion rules to the audit stream and raises a
// security event for each that holds; it returns how many it raised.
func (o *Ops) Watch(ctx context.Context, r Rules) (int, error) {
	now := o.now()
	hour := now.UTC().Format("2006010215")
	raised := 0
	raise := func(in store.Incident) error {
		ok, err := o.Raise(ctx, in)
		if ok {
			raised++
		}
		return err
	}
	suspend := func(fin, why string) {
		if !r.Suspend || fin == "" || fin == "unknown" {
			return
		}
		if err := o.store.SuspendPerson(ctx, fin, true, "security event: "+why+"; until the operator reviews it", system); err != nil {
			o.log.Warn("intrusion: cannot suspend", "err", err)
		}
	}
	// A person reading many profiles an hour.
	reads, err := o.store.CountByActor(ctx, now.Add(-time.Hour), readActions, "", r.ReadsPerHour+1)
	if err != nil {
		return raised, err
	}
	for _, c := range reads {
		if err := raise(store.Incident{Source: "intrusion.reads", Severity: "high", Subject: c.Actor, Dedupe: "reads:" + c.Actor + ":" + hour,
			Title:  fmt.Sprintf("%s read %d profiles in an hour", c.Actor, c.Count),
			Detail: fmt.Sprintf("More than %d profiles an hour is more than work asks; a script harvesting profiles looks like this.", r.ReadsPerHour)}); err != nil {
			return raised, err
		}
		suspend(c.Actor, "many profiles read")
	}
	// A person refused again and again.
	refused, err := o.store.CountByActor(ctx, now.Add(-time.Hour), append(readActions, "thread.read", "correction.request"), "denied", r.RefusalsPerHour)
	if err != nil {
		return raised, err
	}
	for _, c := range refused {
		if err := raise(store.Incident{Source: "intrusion.refusals", Severity: "high", Subject: c.Actor, Dedupe: "refusals:" + c.Actor + ":" + hour,
			Title:  fmt.Sprintf("%s was refused %d times in an hour", c.Actor, c.Count),
			Detail: "Repeated refusals are someone trying what their rights do not allow."}); err != nil {
			return raised, err
		}
		suspend(c.Actor, "repeated refusals")
	}
	// Logins refused, all together.
	if fails, err := o.store.CountByActor(ctx, now.Add(-15*time.Minute), []string{"person.login"}, "refused", r.FailedLogins); err != nil {
		return raised, err
	} else if n := total(fails); n > 0 {
		if err := raise(store.Incident{Source: "intrusion.logins", Severity: "high", Dedupe: "logins:" + hour,
			Title: fmt.Sprintf("%d logins refused in 15 minutes", n), Detail: "Forged or replayed login callbacks, or a broken identity provider."}); err != nil {
			return raised, err
		}
	}
	// Certificates refused at the exchange.
	if certs, err := o.store.CountByActor(ctx, now.Add(-15*time.Minute), []string{"exchange.refused"}, "c", 1); err != nil {
		return raised, err
	} else if n := countPrefix(certs, "unknown"); n >= r.UnknownCerts {
		if err := raise(store.Incident{Source: "intrusion.certificates", Severity: "high", Dedupe: "certificates:" + hour,
			Title: fmt.Sprintf("%d exchange calls with unknown or refused certificates in 15 minutes", n), Detail: "Someone without a bound certificate is knocking at the exchange."}); err != nil {
			return raised, err
		}
	}
	// A spike of signature failures.
	if sigs, err := o.store.CountByActor(ctx, now.Add(-5*time.Minute), []string{"exchange.refused"}, "signature", 1); err != nil {
		return raised, err
	} else if n := total(sigs); n >= r.SignatureErrors {
		if err := raise(store.Incident{Source: "signature_failures", Severity: "high", Dedupe: "signatures:" + hour,
			Title: fmt.Sprintf("%d batches with refused signatures in 5 minutes", n), Detail: "A participant's signing is broken, or batches are forged."}); err != nil {
			return raised, err
		}
	}
	// Reads outside working hours, from the entries since the last watch.
	cursor, err := o.store.WatchCursor(ctx, "offhours")
	if err != nil {
		return raised, err
	}
	entries, err := o.store.AuditAfter(ctx, cursor, 5000)
	if err != nil {
		return raised, err
	}
	for _, e := range entries {
		cursor = e.Seq
		if e.Actor.Kind != audit.Person || (e.Action != "profile.read" && e.Action != "profile.history") || !offHours(e.At) {
			continue
		}
		if err := raise(store.Incident{Source: "intrusion.offhours", Severity: "low", Subject: e.Actor.ID,
			Dedupe: "offhours:" + e.Actor.ID + ":" + e.At.In(category.Baku).Format("2006-01-02"),
			Title:  fmt.Sprintf("%s read profiles outside working hours", e.Actor.ID),
			Detail: fmt.Sprintf("A profile read at %s Baku time.", e.At.In(category.Baku).Format("2006-01-02 15:04"))}); err != nil {
			return raised, err
		}
	}
	return raised, o.store.SetWatchCursor(ctx, "offhours", cursor)
}

// offHours reports whether a moment is outside working hours in Baku:
// before 08:00, from 20:00, or at a weekend.
func offHours(t time.Time) bool {
	b := t.In(category.Baku)
	return b.Hour() < 8 || b.Hour() >= 20 || b.Weekday() == time.Saturday || b.Weekday() == time.Sunday
}

func total(cs []store.ActorCount) int {
	n := 0
	for _, c := range cs {
		n += c.Count
	}
	return n
}

func countPrefix(cs []store.ActorCount, actor string) int {
	n := 0
	for _, c := range cs {
		if c.Actor == actor {
			n += c.Count
		}
	}
	return n
}

// DiskSpace raises an incident, once a day, when the file system holding
// path has less than a tenth of its space free.
func (o *Ops) DiskSpace(ctx context.Context, path string) error {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(path, &fs); err != nil {
		return err
	}
	free, size := fs.Bavail*uint64(fs.Bsize), fs.Blocks*uint64(fs.Bsize)
	if size == 0 || free*10 >= size {
		return nil
	}
	_, err := o.Raise(ctx, store.Incident{Source: "disk_space", Severity: "critical", Dedupe: "disk:" + o.now().UTC().Format("20060102"),
		Title:  fmt.Sprintf("the disk holding the database is %d%% full", 100-free*100/size),
		Detail: fmt.Sprintf("%d MB free of %d MB at %s.", free>>20, size>>20, path)})
	return err
}

// Outage remembers when the database stopped answering, and records the
// outage as an incident once it answers again (it cannot be written
// while it is down).
type Outage struct {
	since time.Time
}

// Check pings the database (ping is the store's Ping) and records an
// outage that ended.
func (o *Ops) Check(ctx context.Context, out *Outage, ping func(context.Context) error) {
	err := ping(ctx)
	switch {
	case err != nil && out.since.IsZero():
		out.since = o.now()
		o.log.Error("database unreachable", "err", err)
	case err == nil && !out.since.IsZero():
		from := out.since
		out.since = time.Time{}
		if _, err := o.Raise(ctx, store.Incident{Source: "db_unreachable", Severity: "critical", Dedupe: "db:" + from.UTC().Format(time.RFC3339Nano),
			Title:  fmt.Sprintf("the database was unreachable for %s", o.now().Sub(from).Round(time.Second)),
			Detail: fmt.Sprintf("From %s to %s (UTC).", from.UTC().Format(time.RFC3339), o.now().UTC().Format(time.RFC3339))}); err != nil {
			o.log.Error("cannot record the outage", "err", err)
		}
	}
}
