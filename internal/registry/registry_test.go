package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
)

func clock() time.Time { return now }

func sender(code string) registry.Sender {
	return registry.Sender{Participant: code, Actor: audit.Actor{Kind: audit.Participant, ID: code}, BatchID: "b-1"}
}

// record builds an envelope around the first example of a category,
// with fields of the payload replaced.
func record(t *testing.T, c *category.Category, source, child string, data map[string]any) []byte {
	t.Helper()
	var payload map[string]any
	json.Unmarshal(c.Examples()[0], &payload)
	for k, v := range data {
		payload[k] = v
	}
	p, _ := json.Marshal(payload)
	return []byte(fmt.Sprintf(`{"source_id":%q,"category":%q,"child":%s,"effective_date":"2025-01-10","action":"upsert","data":%s}`,
		source, c.Code, child, p))
}

const childFIN = `{"fin":"5ZK3N2P"}`

// admin reads as the operator's administrator, with a purpose.
var admin = registry.Reader{Actor: audit.SystemActor("test"), Purpose: "test",
	Subject: access.Subject{Role: access.OperatorAdmin, Org: participantByCode("operator")}}

func participantByCode(code string) *participant.Participant {
	for _, p := range participant.Defaults() {
		if p.Code == code {
			return &p
		}
	}
	panic(code)
}

func setup(t *testing.T, st *store.Store) *registry.Service {
	reg := registry.New(st, clock)
	out, err := reg.Submit(ctx, sender("justice"), record(t, category.CatBirthRegistration, "br-1", childFIN, nil))
	if err != nil || out.Status != registry.Accepted {
		t.Fatalf("birth registration: %+v, %v", out, err)
	}
	return reg
}

func TestSubmitAndReadProfile(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		reg := setup(t, st)
		out, err := reg.Submit(ctx, sender("education"), record(t, category.CatSchooling, "sc-1", childFIN, nil))
		if err != nil || out.Status != registry.Accepted {
			t.Fatalf("schooling: %+v, %v", out, err)
		}
		again, err := reg.Submit(ctx, sender("education"), record(t, category.CatSchooling, "sc-1", childFIN, nil))
		if err != nil || again.Status != registry.Unchanged {
			t.Fatalf("schooling again: %+v, %v", again, err)
		}
		// The child is found by its birth certificate too, which came in the payload.
		for _, key := range []string{"5zk3n2p", "AB/123456", fmt.Sprintf("id:%d", out.ChildID)} {
			v, err := reg.Profile(ctx, admin, key, category.Date{})
			if err != nil {
				t.Fatalf("Profile(%s): %v", key, err)
			}
			if v.Summary.FIN != "5ZK3N2P" || v.Summary.Name.Given != "Əli" || v.Summary.Region != "baki" || *v.Summary.Age != 10 {
				t.Errorf("summary = %+v", v.Summary)
			}
			codes := []string{}
			for _, c := range v.Categories {
				codes = append(codes, c.Code+":"+c.Records[0].Sender)
			}
			if !slices.Equal(codes, []string{"birth_registration:justice", "schooling:education"}) {
				t.Errorf("categories = %v", codes)
			}
		}
		// The profile as it stood before the schooling record was received.
		old, err := reg.Profile(ctx, admin, "5ZK3N2P", category.MustDate("2024-12-31"))
		if err != nil || len(old.Categories) != 0 {
			t.Errorf("as of 2024-12-31: %+v, %v; want no categories", old.Categories, err)
		}
		// Health's system sees what Health may read: not the schooling.
		sendHealth := func(cat *category.Category, source string) {
			out, err := reg.Submit(ctx, sender("health"), record(t, cat, source, childFIN, nil))
			if err != nil || out.Status != registry.Accepted {
				t.Fatalf("%s: %+v %v", cat.Code, out, err)
			}
		}
		sendHealth(category.CatHealthCheckup, "hc-1")
		health := registry.Reader{Actor: audit.SystemActor("test"), Subject: access.Subject{Role: access.System, Org: participantByCode("health")}}
		v, _ := reg.Profile(ctx, health, "5ZK3N2P", category.Date{})
		if got := codesOf(v); !slices.Equal(got, []string{"birth_registration", "health_checkup"}) {
			t.Errorf("health's system sees %v", got)
		}
		h, err := reg.History(ctx, health, "5ZK3N2P", "health_checkup")
		if err != nil || len(h) != 1 {
			t.Errorf("History = %+v, %v", h, err)
		}
		if _, err := reg.History(ctx, health, "5ZK3N2P", "schooling"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("History of a category health may not read = %v; want forbidden", err)
		}
		// A person sees a sensitive category only with a purpose.
		noPurpose := admin
		noPurpose.Purpose = ""
		v, _ = reg.Profile(ctx, noPurpose, "5ZK3N2P", category.Date{})
		if got := codesOf(v); slices.Contains(got, "health_checkup") || len(v.Withheld) != 9 || v.Withheld[0].Reason != "purpose_required" {
			t.Errorf("without a purpose: %v, withheld %+v", got, v.Withheld)
		}
		// Someone who may see nothing of the child is told there is no such child.
		stranger := registry.Reader{Actor: audit.SystemActor("test"), Subject: access.Subject{Role: access.Parent, FIN: "9ZZ9ZZ9"}}
		if _, err := reg.Profile(ctx, stranger, "5ZK3N2P", category.Date{}); !fault.Is(err, fault.NotFound) {
			t.Errorf("a stranger's read = %v; want not found", err)
		}
		// The mother sees her child.
		mother := registry.Reader{Actor: audit.SystemActor("test"), Subject: access.Subject{Role: access.Parent, FIN: "3MN8P4Q"}}
		if v, err := reg.Profile(ctx, mother, "5ZK3N2P", category.Date{}); err != nil || len(v.Categories) != 3 {
			t.Errorf("the mother's read = %v, %v", codesOf(v), err)
		}
	})
}

func codesOf(v profile.View) []string {
	out := []string{}
	for _, c := range v.Categories {
		out = append(out, c.Code)
	}
	return out
}

func TestRefusals(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		reg := setup(t, st)
		before, _ := st.Count(ctx)
		cases := []struct {
			name   string
			from   string
			raw    []byte
			fields []string // field:code, all of which must be listed
		}{
			{"not JSON", "education", []byte(`{"source_id":`), []string{":type_object"}},
			{"envelope", "education", []byte(`{"category":"schooling","child":{},"effective_date":"2025-13-01","action":"delete","extra":1}`),
				[]string{"source_id:required", "effective_date:date_format", "action:one_of", "extra:unknown_field"}},
			{"envelope and payload together", "education", []byte(`{"category":"schooling","child":{"fin":"5ZK3N2P"},"action":"upsert","data":{"school":"20"}}`),
				[]string{"source_id:required", "effective_date:required", "data.level:required", "data.address:required"}},
			{"unknown category", "education", []byte(`{"source_id":"x","category":"horoscope","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-10","action":"upsert","data":{}}`),
				[]string{"category:unknown_category"}},
			{"outside competence", "health", record(t, category.CatSchooling, "sc-9", childFIN, nil), []string{"category:forbidden_category"}},
			{"no child key", "education", record(t, category.CatSchooling, "sc-9", `{}`, nil), []string{"child:child_key_missing"}},
			{"bad FIN in selector", "education", record(t, category.CatSchooling, "sc-9", `{"fin":"OOOOOOO"}`, nil), []string{"child.fin:fin_format"}},
			{"payload", "education", record(t, category.CatSchooling, "sc-9", childFIN, map[string]any{"grade": 15, "language": "xx"}),
				[]string{"data.grade:max", "data.language:classifier"}},
			// The child was born in 2016: at work in 2025 they would be 9.
			{"implausible age", "labour", record(t, category.CatYouthEmployment, "ye-1", childFIN, map[string]any{"since": "2025-01-01"}),
				[]string{"data.since:age_implausible"}},
			{"retract unknown", "education", []byte(`{"source_id":"nope","category":"schooling","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-10","action":"retract"}`),
				[]string{"source_id:not_found"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				out, err := reg.Submit(ctx, sender(tc.from), tc.raw)
				if err != nil {
					t.Fatalf("Submit returned an error for bad input: %v", err)
				}
				if out.Status != registry.Rejected {
					t.Fatalf("status = %s; want rejected", out.Status)
				}
				got := map[string]bool{}
				for _, e := range out.Errors {
					got[e.Field+":"+e.Code] = true
				}
				for _, f := range tc.fields {
					if !got[f] {
						t.Errorf("missing %s in %v", f, out.Errors)
					}
				}
			})
		}
		after, _ := st.Count(ctx)
		if after.Facts != before.Facts || after.Children != before.Children {
			t.Errorf("refused records wrote data: %+v → %+v", before, after)
		}
		if after.Audit != before.Audit+int64(len(cases)) {
			t.Errorf("audit entries %d → %d; want one per refused record", before.Audit, after.Audit)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}

func TestKeylessRecordBecomesCandidate(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		reg := setup(t, st)
		child := `{"name":{"given":"Ali","family":"Mamedov"},"birth_date":"2016-03-02","mother_fin":"3MN8P4Q"}`
		out, err := reg.Submit(ctx, sender("education"), record(t, category.CatSchooling, "sc-2", child, nil))
		if err != nil || out.Status != registry.Accepted || len(out.Candidates) != 1 {
			t.Fatalf("keyless: %+v, %v; want accepted with one candidate", out, err)
		}
		// A name that only looks alike is not a candidate.
		child = `{"name":{"given":"Vali","family":"Muradov"},"birth_date":"2016-03-02","mother_fin":"3MN8P4Q"}`
		out, err = reg.Submit(ctx, sender("education"), record(t, category.CatSchooling, "sc-3", child, nil))
		if err != nil || len(out.Candidates) != 0 {
			t.Fatalf("unlike name: %+v, %v; want no candidate", out, err)
		}
	})
}

func TestParseKey(t *testing.T) {
	for in, want := range map[string]string{
		"5zk3n2p": "fin:5ZK3N2P", "AB/123456": "birth_certificate:AB/123456", "ab / 123 456": "birth_certificate:AB/123456",
		"DYI1234567": "residence_permit:DYİ1234567", "id:42": "id:42",
		"refugee_card:QR12345": "refugee_card:QR12345", "fin:qr12345": "fin:QR12345", "birth_certificate:AB/1": "birth_certificate:AB/1",
	} {
		k, err := registry.ParseKey(in)
		if err != nil || k.Kind+":"+k.Value != want {
			t.Errorf("ParseKey(%q) = %+v, %v; want %s", in, k, err, want)
		}
	}
	for _, bad := range []string{"", "hello world", "id:", "id:x1", "fin:OOOOOOO", "passport:AZ1", "birth_certificate:AB"} {
		if _, err := registry.ParseKey(bad); !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), "not a FIN") {
			t.Errorf("ParseKey(%q) = %v; want invalid", bad, err)
		}
	}
}

func TestSearchProfiles(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		reg := setup(t, st) // Əli Məmmədov, born 2016-03-02, in Səbail; mother 3MN8P4Q
		count := func(r registry.Reader, q registry.Query) int {
			t.Helper()
			if q.AgeFrom == 0 && q.AgeTo == 0 {
				q.AgeFrom, q.AgeTo = -1, -1
			}
			found, _, err := reg.SearchProfiles(ctx, r, q)
			if err != nil {
				t.Fatal(err)
			}
			return len(found)
		}
		for _, tc := range []struct {
			name string
			r    registry.Reader
			q    registry.Query
			want int
		}{
			{"family name, Russian spelling", admin, registry.Query{Text: "Мамедов"}, 1},
			{"whole name, English spelling", admin, registry.Query{Text: "Ali Mamedov"}, 1},
			{"given name", admin, registry.Query{Text: "Əli"}, 1},
			{"FIN", admin, registry.Query{Text: "5zk3n2p"}, 1},
			{"another name", admin, registry.Query{Text: "Hüseynov"}, 0},
			{"the start of a family name", admin, registry.Query{Text: "Məmməd"}, 1},
			{"family name in the region", admin, registry.Query{Text: "Məmmədov", Region: "baki"}, 1},
			{"family name in another region", admin, registry.Query{Text: "Məmmədov", Region: "quba_xacmaz"}, 0},
			{"family name in the district", admin, registry.Query{Text: "Məmmədov", District: "sabail"}, 1},
			{"family name in another district", admin, registry.Query{Text: "Məmmədov", District: "quba"}, 0},
			{"district", admin, registry.Query{District: "sabail"}, 1},
			{"another district", admin, registry.Query{District: "quba"}, 0},
			{"aged 10", admin, registry.Query{AgeFrom: 10, AgeTo: 10}, 1},
			{"aged 0 to 9", admin, registry.Query{AgeFrom: 0, AgeTo: 9}, 0},
			{"with a birth registration", admin, registry.Query{Has: "birth_registration"}, 1},
			{"with schooling", admin, registry.Query{Has: "schooling"}, 0},
			{"the mother", registry.Reader{Subject: access.Subject{Role: access.Parent, FIN: "3MN8P4Q"}}, registry.Query{}, 1},
			{"another parent", registry.Reader{Subject: access.Subject{Role: access.Parent, FIN: "9ZZ9ZZ9"}}, registry.Query{Text: "Məmmədov"}, 0},
			{"an auditor", registry.Reader{Subject: access.Subject{Role: access.Auditor}}, registry.Query{Text: "Məmmədov"}, 0},
		} {
			if got := count(tc.r, tc.q); got != tc.want {
				t.Errorf("%s: %d found; want %d", tc.name, got, tc.want)
			}
		}
		if _, _, err := reg.SearchProfiles(ctx, admin, registry.Query{Has: "horoscope", AgeFrom: -1, AgeTo: -1}); !fault.Is(err, fault.Invalid) {
			t.Errorf("unknown category: %v", err)
		}
	})
}

// A batch says when its records are decoded and validated, once, before
// any of it is stored: the exchange then gives up the batch's place among
// those being prepared, so that the next is prepared while this one waits
// for the writer.
func TestSubmitBatchSaysWhenPrepared(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, st *store.Store) {
		reg := setup(t, st)
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		var records []any
		for _, raw := range [][]byte{
			record(t, category.CatSchooling, "sc-1", childFIN, nil),
			[]byte(`{"source_id":"x-1","category":"no_such_category"}`),
		} {
			v, ok := category.Parse(raw)
			if !ok {
				t.Fatalf("not JSON: %s", raw)
			}
			records = append(records, v)
		}
		from := sender("education")
		calls := 0
		signed := registry.Signed{
			Batch:  store.Batch{Participant: from.Participant, BatchID: from.BatchID, ReceivedAt: now, Body: "{}"},
			Answer: func(outs []registry.Outcome) (string, error) { return fmt.Sprint(len(outs)), nil },
			Prepared: func() {
				calls++
				if _, err := st.Batch(ctx, from.Participant, from.BatchID); fault.KindOf(err) != fault.NotFound {
					t.Errorf("the batch was stored before it was prepared: %v", err)
				}
			},
		}
		prev, outs, err := reg.SubmitBatch(ctx, from, records, nil, signed)
		if err != nil || prev != nil {
			t.Fatalf("SubmitBatch: %v, %+v", err, prev)
		}
		if calls != 1 {
			t.Errorf("Prepared was called %d times, want once", calls)
		}
		if len(outs) != 2 || outs[0].Status != registry.Accepted || outs[1].Status != registry.Rejected {
			t.Errorf("outcomes: %+v", outs)
		}
		if b, err := st.Batch(ctx, from.Participant, from.BatchID); err != nil || b.Response != "2" {
			t.Errorf("the batch stored: %+v, %v", b, err)
		}
	})
}
