package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var (
	ctx     = context.Background()
	discard = slog.New(slog.DiscardHandler)
	t0      = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	actor   = audit.Actor{Kind: audit.Participant, ID: "justice"}
)

func clock() func() time.Time { return func() time.Time { return t0 } }

// fact builds a submission of a record with the given payload.
func fact(sender, cat, source, payload string, keys ...profile.Key) store.Submission {
	action := profile.Upsert
	if payload == "" {
		action = profile.Retract
	}
	sum := sha256.Sum256([]byte(action + payload))
	f := profile.Fact{
		Category: cat, Sender: sender, SourceID: source, Action: action,
		EffectiveDate: category.MustDate("2026-03-01"), ReceivedAt: t0, ContentHash: hex.EncodeToString(sum[:]),
	}
	if payload != "" {
		f.Payload = []byte(payload)
	}
	return store.Submission{Keys: keys, Fact: f, Actor: actor, Detail: "{}"}
}

func fin(v string) profile.Key { return profile.Key{Kind: profile.KeyFIN, Value: v} }

const birth = `{"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"2016-03-02","birth_place":{"district":"sabail"},"citizenship":"AZE","mother_fin":"3MN8P4Q"}`

func TestMigrate(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		v, err := st.Version(ctx)
		if err != nil || v != st.LatestVersion() || v < 1 {
			t.Fatalf("Version = %d, %v; want %d", v, err, st.LatestVersion())
		}
		if err := st.Migrate(ctx, discard); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if err := st.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema: %v", err)
		}
		// A schema newer than the program is refused by both.
		if _, err := st.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`); err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(ctx, discard); !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "newer") {
			t.Errorf("Migrate on a newer schema = %v; want a conflict saying it is newer", err)
		}
		if err := st.CheckSchema(ctx); err == nil {
			t.Error("CheckSchema accepted a newer schema")
		}
	})
}

// openMigratedTo opens a fresh SQLite store migrated up to version last
// only, for a test that upgrades a database across the migrations after.
func openMigratedTo(t *testing.T, last int) *store.Store {
	t.Helper()
	st, err := store.Open(storetest.DSN(t, store.SQLite), store.Options{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := store.MigrateTo(st, last); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestProfilesRebuiltKeyedByRowid upgrades a SQLite database holding
// profiles across migration 22, which rebuilds the table with child_id as
// its rowid, and checks that every profile comes through as it was, with
// the table's indexes, and no index left for the key.
func TestProfilesRebuiltKeyedByRowid(t *testing.T) {
	st := openMigratedTo(t, 21)
	seedOldProfiles(t, st, "5ZK3N2P", "6ZK3N2P", "7ZK3N2P")
	profiles := func() string {
		t.Helper()
		var out string
		if err := st.DB().QueryRow(`SELECT group_concat(p, char(10)) FROM (SELECT json_array(child_id, fin, given_name,
			family_name, patronymic, name_key, family_root, birth_date, sex, citizenship, region, district, care_status,
			mother_fin, father_fin, categories, status, updated_at, archived_reason, archived_on) AS p
			FROM profiles ORDER BY child_id)`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	indexes := func() string {
		t.Helper()
		var out string
		if err := st.DB().QueryRow(`SELECT group_concat(name || ':' || origin, ' ') FROM
			(SELECT name, origin FROM pragma_index_list('profiles') ORDER BY name)`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before, beforeIdx := profiles(), indexes()
	if strings.Count(before, "\n")+1 != 3 || !strings.Contains(beforeIdx, ":pk") {
		t.Fatalf("before the migration: profiles\n%s\nindexes %s", before, beforeIdx)
	}
	if err := store.MigrateTo(st, 22); err != nil {
		t.Fatal(err)
	}
	if after := profiles(); after != before {
		t.Errorf("profiles before the migration:\n%s\nafter:\n%s", before, after)
	}
	want := strings.Join(strings.Fields(strings.ReplaceAll(beforeIdx, "sqlite_autoindex_profiles_1:pk", "")), " ")
	if after := indexes(); after != want {
		t.Errorf("indexes after the migration: %s; want %s", after, want)
	}
	var rowids int
	if err := st.DB().QueryRow(`SELECT count(*) FROM profiles WHERE rowid = child_id`).Scan(&rowids); err != nil || rowids != 3 {
		t.Errorf("profiles whose rowid is their child: %d, %v; want 3", rowids, err)
	}
}

// seedOldProfiles stores, with SQL of the schema before migration 25
// (the store's code writes the schema after it), a child for each FIN
// with its key and a profile whose columns all differ between children.
func seedOldProfiles(t *testing.T, st *store.Store, fins ...string) {
	t.Helper()
	for i, f := range fins {
		id := int64(i + 1)
		if _, err := st.DB().Exec(`INSERT INTO children (id, created_at) VALUES ($1, $2)`, id, 1000+i); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().Exec(`INSERT INTO child_keys (kind, value, child_id) VALUES ('fin', $1, $2)`, f, id); err != nil {
			t.Fatal(err)
		}
		n := fmt.Sprint(i)
		if _, err := st.DB().Exec(`INSERT INTO profiles (child_id, fin, given_name, family_name, patronymic, name_key,
			family_root, birth_date, sex, citizenship, region, district, care_status, mother_fin, father_fin, categories,
			status, updated_at, archived_reason, archived_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
			id, f, "Given"+n, "Family"+n, "Patronymic"+n, "key"+n, "root"+n, fmt.Sprintf("2015-0%d-1%d", i+1, i),
			[]string{"female", "male"}[i%2], "AZ", "region"+n, "district"+n, []string{"", "guardianship"}[i%2],
			"M"+n+"ZK3N2", "F"+n+"ZK3N2", int64(1)<<(3*i)|1, []string{"active", "archived", "deceased"}[i%3], 2000+i,
			[]string{"", "age18", ""}[i%3], []string{"", "2026-01-0" + n, ""}[i%3]); err != nil {
			t.Fatal(err)
		}
	}
}

// TestProfilesSplitIntoFacetsAndRows upgrades a SQLite database holding
// profiles across migration 25, which splits each into a row of
// profile_facets and one of profile_rows behind the view profiles, and
// checks that the view gives every profile as the table held it, with
// the indexes the searches read and no other, and that the store then
// finds, projects, searches and archives through them.
func TestProfilesSplitIntoFacetsAndRows(t *testing.T) {
	st := openMigratedTo(t, 24)
	fins := []string{"5ZK3N2P", "6ZK3N2P", "7ZK3N2P"}
	seedOldProfiles(t, st, fins...)
	const columns = `child_id, fin, given_name, family_name, patronymic, name_key, family_root, birth_date, sex,
		citizenship, region, district, care_status, mother_fin, father_fin, categories, status, updated_at,
		archived_reason, archived_on`
	profiles := func() string {
		t.Helper()
		var out string
		if err := st.DB().QueryRow(`SELECT group_concat(p, char(10)) FROM (SELECT json_array(` + columns + `) AS p
			FROM profiles ORDER BY child_id)`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := profiles()
	if strings.Count(before, "\n")+1 != 3 {
		t.Fatalf("before the migration: profiles\n%s", before)
	}
	if err := store.MigrateTo(st, 25); err != nil {
		t.Fatal(err)
	}
	if after := profiles(); after != before {
		t.Errorf("profiles before the migration:\n%s\nafter:\n%s", before, after)
	}
	var indexes string
	if err := st.DB().QueryRow(`SELECT group_concat(i, ' ') FROM (SELECT t.name || '.' || l.name || ':' || l.partial AS i
		FROM pragma_table_list t, pragma_index_list(t.name) l WHERE t.name IN ('profile_facets', 'profile_rows')
		ORDER BY 1)`).Scan(&indexes); err != nil {
		t.Fatal(err)
	}
	// All partial: a profile without the key has no entry.
	if want := "profile_facets.profiles_place:1 profile_rows.profiles_family:1 profile_rows.profiles_father:1 " +
		"profile_rows.profiles_mother:1 profile_rows.profiles_name:1"; indexes != want {
		t.Errorf("indexes after the migration: %s; want %s", indexes, want)
	}
	// The view is written as a table by statements that do not know it.
	if _, err := st.DB().Exec(`INSERT INTO children (id, created_at) VALUES (9, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO profiles (child_id, given_name, region, updated_at) VALUES (9, 'Nine', 'baki', 5)`); err != nil {
		t.Fatal(err)
	}
	var nine string
	if err := st.DB().QueryRow(`SELECT json_array(` + columns + `) FROM profiles WHERE child_id = 9`).Scan(&nine); err != nil ||
		nine != `[9,"","Nine","","","","","","","","baki","","","","",0,"active",5,"",""]` {
		t.Errorf("a profile inserted into the view reads back as %s, %v", nine, err)
	}
	if _, err := st.DB().Exec(`DELETE FROM profiles WHERE child_id = 9`); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM profile_facets WHERE child_id = 9) +
		(SELECT count(*) FROM profile_rows WHERE child_id = 9)`).Scan(&left); err != nil || left != 0 {
		t.Errorf("rows left of a profile deleted through the view: %d, %v", left, err)
	}
	if err := st.Migrate(ctx, discard); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Error(err)
	}
	// A FIN finds its child through the keys; a record reprojects the
	// child into both rows.
	page, _, err := st.SearchProfiles(ctx, store.ProfileQuery{FIN: fins[0], HasBit: -1, IncludeArchived: true})
	if err != nil || len(page) != 1 || page[0].ChildID != 1 || page[0].Name.Given != "Given0" {
		t.Fatalf("search by FIN after the migration: %+v, %v", page, err)
	}
	if _, err := st.Submit(ctx, fact("justice", "birth_registration", "br-0", birth, fin(fins[0]))); err != nil {
		t.Fatal(err)
	}
	after := profiles()
	if first := strings.SplitN(after, "\n", 2)[0]; strings.Contains(first, "Given0") || strings.Contains(first, "region0") {
		t.Errorf("the first child was not reprojected from its record: %s", first)
	}
	if rest, was := strings.SplitN(after, "\n", 2)[1], strings.SplitN(before, "\n", 2)[1]; rest != was {
		t.Errorf("children without records changed:\n%s\nwere:\n%s", rest, was)
	}
}

// TestChildKeysRebuiltWithoutRowid upgrades a SQLite database holding
// children and their keys across migration 24, which rebuilds child_keys
// as its primary key's b-tree, and checks that every key comes through
// with its child, that a key still finds its child and a child its keys,
// and that a key stays unique.
func TestChildKeysRebuiltWithoutRowid(t *testing.T) {
	st := openMigratedTo(t, 23)
	fins := []string{"5ZK3N2P", "6ZK3N2P", "7ZK3N2P"}
	seedOldProfiles(t, st, fins...)
	keys := func() string {
		t.Helper()
		var out string
		if err := st.DB().QueryRow(`SELECT group_concat(k, ' ') FROM (SELECT kind || ':' || value || '>' || child_id AS k
			FROM child_keys ORDER BY kind, value)`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := keys()
	if strings.Count(before, "fin:") != 3 {
		t.Fatalf("keys before the migration: %s", before)
	}
	if err := st.Migrate(ctx, discard); err != nil {
		t.Fatal(err)
	}
	if after := keys(); after != before {
		t.Errorf("keys before the migration: %s; after: %s", before, after)
	}
	var withoutRowid int
	if err := st.DB().QueryRow(`SELECT count(*) FROM pragma_table_list WHERE name = 'child_keys' AND wr = 1`).Scan(&withoutRowid); err != nil || withoutRowid != 1 {
		t.Errorf("child_keys without rowid: %d, %v; want 1", withoutRowid, err)
	}
	for _, k := range fins {
		id, err := st.FindChild(ctx, profile.Key{Kind: profile.KeyFIN, Value: k})
		if err != nil {
			t.Fatalf("FindChild(%s) after the migration: %v", k, err)
		}
		c, err := st.LoadChild(ctx, id)
		if err != nil || len(c.Keys) != 1 || c.Keys[0].Value != k {
			t.Errorf("child %d's keys after the migration: %+v, %v; want %s", id, c, err, k)
		}
	}
	if _, err := st.DB().Exec(`INSERT INTO child_keys (kind, value, child_id) SELECT kind, value, child_id FROM child_keys LIMIT 1`); err == nil {
		t.Error("a key was stored twice after the migration")
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Error(err)
	}
}

func TestRefusesForeignDatabase(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			st, err := store.Open(storetest.DSN(t, e), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.DB().Exec(`CREATE TABLE invoices (id INTEGER PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
			err = st.Migrate(ctx, discard)
			if err == nil || !strings.Contains(err.Error(), "no Data Bank marker") {
				t.Fatalf("Migrate on a foreign database = %v; want a refusal", err)
			}
			if msg, _ := fault.MessageOf(err); !strings.Contains(msg.EN, "not a Data Bank database") {
				t.Errorf("message = %q", msg.EN)
			}
		})
	}
}

func TestRefusesCorruptSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corrupt.db")
	junk := []byte(strings.Repeat("this is not a database file ", 200))
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Migrate(ctx, discard)
	msg, _ := fault.MessageOf(err)
	if err == nil || !strings.Contains(msg.EN, "corrupt") {
		t.Fatalf("Migrate on a corrupt file = %v (%q); want an error saying it is corrupt", err, msg.EN)
	}
}

func TestUnreachablePostgresIsUnavailable(t *testing.T) {
	// Port 1 on loopback: nothing listens there.
	st, err := store.Open("postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Ping(ctx); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("Ping = %v (kind %v); want unavailable", err, fault.KindOf(err))
	}
	if _, err := st.Version(ctx); !fault.Is(err, fault.Unavailable) {
		t.Fatalf("Version = %v; want unavailable", err)
	}
}

func TestSubmitIsIdempotentAndSupersedes(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		first, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P")))
		if err != nil || first.Status != store.Accepted || first.ChildID == 0 {
			t.Fatalf("first Submit = %+v, %v", first, err)
		}
		again, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P")))
		if err != nil || again.Status != store.Unchanged || again.FactID != first.FactID {
			t.Fatalf("resent Submit = %+v, %v; want unchanged, fact %d", again, err, first.FactID)
		}
		changed := strings.Replace(birth, `"Əli"`, `"Əlixan"`, 1)
		second, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1", changed, fin("5ZK3N2P")))
		if err != nil || second.Status != store.Accepted || second.ChildID != first.ChildID {
			t.Fatalf("changed Submit = %+v, %v", second, err)
		}
		c, err := st.LoadChild(ctx, first.ChildID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Facts) != 2 || c.Facts[0].Current || !c.Facts[1].Current || c.Facts[1].Supersedes != first.FactID {
			t.Fatalf("facts = %+v; want the first superseded by the second", c.Facts)
		}
		sum, status, err := st.StoredSummary(ctx, first.ChildID)
		if err != nil || sum.Name.Given != "Əlixan" || sum.FIN != "5ZK3N2P" || sum.Region != "baki" || status != "active" {
			t.Fatalf("summary = %+v %q, %v", sum, status, err)
		}
		if sum.Categories != 1<<category.CatBirthRegistration.Bit {
			t.Errorf("categories mask = %b", sum.Categories)
		}
		n, _ := st.Count(ctx)
		if n.Facts != 2 || n.Children != 1 {
			t.Errorf("counts = %+v; want 2 facts of 1 child", n)
		}
	})
}

func TestRetract(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		r, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1", "", fin("5ZK3N2P"))); err != nil {
			t.Fatal(err)
		}
		sum, _, err := st.StoredSummary(ctx, r.ChildID)
		if err != nil || sum.Categories != 0 || sum.Name.Given != "" {
			t.Fatalf("after retraction summary = %+v, %v; want no categories", sum, err)
		}
		_, err = st.Submit(ctx, fact("justice", "birth_registration", "never-sent", "", fin("5ZK3N2P")))
		if !fault.Is(err, fault.NotFound) {
			t.Fatalf("retracting an unknown record = %v; want not found", err)
		}
	})
}

func TestIdentityAndCandidates(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		cert := profile.Key{Kind: profile.KeyBirthCertificate, Value: "AB/123456"}
		a, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P"), cert))
		if err != nil {
			t.Fatal(err)
		}
		// The certificate alone finds the same child.
		b, err := st.Submit(ctx, fact("health", "medical_registration", "mr-1", `{"clinic":"X"}`, cert))
		if err != nil || b.ChildID != a.ChildID {
			t.Fatalf("by certificate: child %d, %v; want %d", b.ChildID, err, a.ChildID)
		}
		// A keyless record that looks like the child is a new child and a
		// candidate, never merged silently.
		keyless := fact("education", "schooling", "sc-1", `{"school":"20"}`)
		keyless.Hints = profile.Hints{Name: category.PersonName{Given: "Ali", Family: "Mamedov"},
			BirthDate: category.MustDate("2016-03-02"), MotherFIN: "3MN8P4Q"}
		c, err := st.Submit(ctx, keyless)
		if err != nil {
			t.Fatal(err)
		}
		if c.ChildID == a.ChildID || len(c.Candidates) != 1 || c.Candidates[0] != a.ChildID {
			t.Fatalf("keyless = %+v; want a new child with candidate %d", c, a.ChildID)
		}
		// Sending the keyless record again finds the same new child.
		again, err := st.Submit(ctx, keyless)
		if err != nil || again.ChildID != c.ChildID || again.Status != store.Unchanged {
			t.Fatalf("keyless again = %+v, %v", again, err)
		}
		// Two keys naming two children: the FIN wins, the other is a candidate.
		other, err := st.Submit(ctx, fact("migration", "residence_permit", "rp-1", `{"n":1}`,
			profile.Key{Kind: profile.KeyResidencePermit, Value: "DYİ1234567"}))
		if err != nil {
			t.Fatal(err)
		}
		both, err := st.Submit(ctx, fact("internal_affairs", "identity_card", "ic-1", `{"n":2}`, fin("5ZK3N2P"),
			profile.Key{Kind: profile.KeyResidencePermit, Value: "DYİ1234567"}))
		if err != nil || both.ChildID != a.ChildID || len(both.Candidates) != 1 || both.Candidates[0] != other.ChildID {
			t.Fatalf("conflicting keys = %+v, %v", both, err)
		}
		cands, err := st.Candidates(ctx, 10)
		if err != nil || len(cands) != 2 {
			t.Fatalf("Candidates = %+v, %v; want 2", cands, err)
		}
	})
}

func TestMergeAndSplit(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		a, _ := st.Submit(ctx, fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P")))
		keyless := fact("education", "schooling", "sc-1", `{"school":"20"}`)
		keyless.Hints = profile.Hints{Name: category.PersonName{Given: "Ali", Family: "Mamedov"}, BirthDate: category.MustDate("2016-03-02")}
		b, err := st.Submit(ctx, keyless)
		if err != nil {
			t.Fatal(err)
		}
		before, _, _ := st.StoredSummary(ctx, a.ChildID)
		op := audit.Actor{Kind: audit.Person, ID: "operator-admin"}
		mergeID, err := st.Merge(ctx, a.ChildID, b.ChildID, op, "same child: certificate checked")
		if err != nil {
			t.Fatal(err)
		}
		merged, _, _ := st.StoredSummary(ctx, a.ChildID)
		if merged.Categories != before.Categories|1<<category.CatSchooling.Bit {
			t.Fatalf("after merge categories = %b; want schooling added", merged.Categories)
		}
		if _, _, err := st.StoredSummary(ctx, b.ChildID); !fault.Is(err, fault.NotFound) {
			t.Errorf("merged child still has a profile: %v", err)
		}
		// Reading the merged child leads to the kept one.
		c, err := st.LoadChild(ctx, b.ChildID)
		if err != nil || c.ID != a.ChildID || len(c.Facts) != 2 {
			t.Fatalf("ReadChild(merged) = %+v, %v", c, err)
		}
		if _, err := st.Merge(ctx, a.ChildID, b.ChildID, op, "again"); !fault.Is(err, fault.Conflict) {
			t.Errorf("merging again = %v; want conflict", err)
		}
		if err := st.Split(ctx, mergeID, op, "they are twins"); err != nil {
			t.Fatal(err)
		}
		after, _, _ := st.StoredSummary(ctx, a.ChildID)
		if after != before {
			t.Errorf("after split summary = %+v; want %+v", after, before)
		}
		bs, _, err := st.StoredSummary(ctx, b.ChildID)
		if err != nil || bs.Categories != 1<<category.CatSchooling.Bit {
			t.Errorf("split child summary = %+v, %v", bs, err)
		}
		if err := st.Split(ctx, mergeID, op, "twice"); !fault.Is(err, fault.Conflict) {
			t.Errorf("splitting twice = %v; want conflict", err)
		}
	})
}

func TestSubmitAllIsAtomic(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		good := fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P"))
		bad := fact("justice", "birth_registration", "missing", "", fin("5ZK3N2P")) // retracts nothing
		if _, err := st.SubmitAll(ctx, []store.Submission{good, bad}); err == nil {
			t.Fatal("SubmitAll with a bad record succeeded")
		}
		n, err := st.Count(ctx)
		if err != nil || n.Facts != 0 || n.Children != 0 || n.Audit != 0 {
			t.Fatalf("after a failed SubmitAll counts = %+v, %v; want nothing written", n, err)
		}
		if _, err := st.SubmitAll(ctx, []store.Submission{good}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	cases := []struct {
		name, sql, want string
	}{
		{"edited", `UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2`, "entry 2 was changed"},
		{"deleted", `DELETE FROM audit_log WHERE seq = 2`, "entry 3 follows entry 1"},
		{"deleted at the end", `DELETE FROM audit_log WHERE seq = 3`, "deleted from the end"},
		{"inserted", `INSERT INTO audit_log SELECT seq + 100, at, actor_kind, actor_id, actor_org, actor_role, action,
			child_id, category, outcome, detail, prev_hash, hash FROM audit_log WHERE seq = 1`, "entry 101 follows entry 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
				for _, src := range []string{"br-1", "br-2", "br-3"} {
					if _, err := st.Submit(ctx, fact("justice", "birth_registration", src, birth, fin("5ZK3N2P"))); err != nil {
						t.Fatal(err)
					}
				}
				if n, err := st.VerifyAudit(ctx); err != nil || n != 3 {
					t.Fatalf("VerifyAudit before tampering = %d, %v", n, err)
				}
				if _, err := st.DB().Exec(tc.sql); err != nil {
					t.Fatal(err)
				}
				_, err := st.VerifyAudit(ctx)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("VerifyAudit after %s = %v; want %q", tc.name, err, tc.want)
				}
			})
		})
	}
}

func TestAsOf(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		s := fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P"))
		s.Fact.ReceivedAt = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
		s.Fact.EffectiveDate = category.MustDate("2024-04-30")
		r, err := st.Submit(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.LoadChild(ctx, r.ChildID)
		if err != nil {
			t.Fatal(err)
		}
		if got := profile.Knows(c.Facts, category.MustDate("2024-04-30")); len(got) != 0 {
			t.Errorf("as of the day before it was received: %d facts; want 0", len(got))
		}
		if got := profile.Knows(c.Facts, category.MustDate("2024-05-01")); len(got) != 1 {
			t.Errorf("as of the day it was received: %d facts; want 1", len(got))
		}
	})
}

func TestSubmitEachKeepsRecordsAtomicOnTheirOwn(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		good1 := fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P"))
		bad := fact("justice", "birth_registration", "missing", "", fin("5ZK3N2P")) // retracts nothing
		good2 := fact("health", "medical_registration", "mr-1", `{"clinic":"X"}`, fin("5ZK3N2P"))
		entry := audit.Entry{Actor: actor, Action: "exchange.batch", Outcome: "answered", Detail: `{"batch":"b-1"}`}
		out, err := st.SubmitEach(ctx, []store.Submission{good1, bad, good2}, entry)
		if err != nil {
			t.Fatal(err)
		}
		if out[0].Err != nil || out[0].Result.Status != store.Accepted || !fault.Is(out[1].Err, fault.NotFound) ||
			out[2].Err != nil || out[2].Result.ChildID != out[0].Result.ChildID {
			t.Fatalf("outcomes = %+v", out)
		}
		n, _ := st.Count(ctx)
		if n.Facts != 2 || n.Audit != 1 {
			t.Errorf("counts = %+v; want the 2 good records and one audit entry for the batch", n)
		}
		var detail string
		st.DB().QueryRow(`SELECT detail FROM audit_log WHERE seq = 1`).Scan(&detail)
		if !strings.Contains(detail, `"batch":"b-1"`) || !strings.Contains(detail, `"categories":["birth_registration","medical_registration"]`) ||
			!strings.Contains(detail, `"failed":["missing"]`) || !strings.Contains(detail, `"accepted":2`) {
			t.Errorf("batch audit detail = %s", detail)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Errorf("the rolled-back record broke the audit chain: %v", err)
		}
		sum, _, _ := st.StoredSummary(ctx, out[0].Result.ChildID)
		if sum.Categories != 1<<category.CatBirthRegistration.Bit|1<<category.CatMedicalRegistration.Bit {
			t.Errorf("projection = %b", sum.Categories)
		}
	})
}

// TestSignedCheckpointsCatchARewrittenChain rewrites an entry and
// recomputes the whole chain after it, as someone with database access
// could: only the signed checkpoint notices.
func TestSignedCheckpointsCatchARewrittenChain(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		key, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit-key.pem"))
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range []string{"br-1", "br-2", "br-3"} {
			if _, err := st.Submit(ctx, fact("justice", "birth_registration", src, birth, fin("5ZK3N2P"))); err != nil {
				t.Fatal(err)
			}
		}
		cp, err := st.Checkpoint(ctx, key)
		if err != nil || cp == nil || cp.Seq != 3 {
			t.Fatalf("Checkpoint = %+v, %v", cp, err)
		}
		if again, _ := st.Checkpoint(ctx, key); again != nil {
			t.Error("a second checkpoint of an unchanged chain")
		}
		if _, err := st.VerifyAudit(ctx, &key.PublicKey); err != nil {
			t.Fatalf("VerifyAudit before the rewrite: %v", err)
		}
		// Another key is not trusted.
		other, _ := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.pem"))
		if _, err := st.VerifyAudit(ctx, &other.PublicKey); err == nil {
			t.Error("checkpoints verified with an untrusted key")
		}
		// Rewrite entry 2 and recompute every hash from it on.
		entries, _ := st.AuditEntries(ctx, store.AuditFilter{})
		slices.Reverse(entries)
		prev := entries[0].Hash
		for _, e := range entries[1:] {
			e.Actor.ID = "forger"
			e.PrevHash = prev
			e.Hash = e.ComputeHash(prev)
			prev = e.Hash
			st.DB().Exec(`UPDATE audit_log SET actor_id = $1, prev_hash = $2, hash = $3 WHERE seq = $4`, e.Actor.ID, e.PrevHash, e.Hash, e.Seq)
		}
		st.DB().Exec(`UPDATE audit_head SET hash = $1 WHERE id = 1`, prev)
		// Without the checkpoint the rewrite would pass: the chain is whole.
		_, err = st.VerifyAudit(ctx, &key.PublicKey)
		if err == nil || !strings.Contains(err.Error(), "differs from the signed checkpoint") {
			t.Fatalf("VerifyAudit after a recomputed rewrite = %v", err)
		}
	})
}

// TestConcurrentFirstRecordsMakeOneChild sends, at the same moment from
// two participants, the first records about the same new children: each
// child is made once, and no record is refused. On PostgreSQL both
// transactions run at once and race for the child's key.
func TestConcurrentFirstRecordsMakeOneChild(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		const n = 200
		errs := make(chan error, 2)
		start := make(chan struct{})
		for _, sender := range []string{"justice", "health"} {
			var subs []store.Submission
			for i := range n {
				key := fin(fmt.Sprintf("%07d", 1000000+i))
				subs = append(subs, fact(sender, "birth_registration", fmt.Sprintf("%s-%d", sender, i), birth, key))
			}
			go func() {
				<-start
				out, err := st.SubmitEach(ctx, subs, audit.Entry{Actor: actor, Action: "exchange.batch", Detail: "{}"})
				for _, o := range out {
					if err == nil && o.Err != nil {
						err = o.Err
					}
				}
				errs <- err
			}()
		}
		close(start)
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		c, err := st.Count(ctx)
		if err != nil || c.Children != n || c.Facts != 2*n {
			t.Errorf("counts = %+v, %v; want %d children with 2 facts each", c, err, n)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestSubmitBatchKeepsTheBatchWithItsRecords holds a signed batch and its
// answer to the transaction of its records: an answer that cannot be
// given stores nothing; the same batch sent twice at the same moment is
// stored once, and the second sender gets the first answer; a batch kept
// unanswered by an earlier version is taken over.
func TestSubmitBatchKeepsTheBatchWithItsRecords(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		if err := st.SeedParticipants(ctx, participant.Defaults()); err != nil {
			t.Fatal(err)
		}
		var subs []store.Submission
		for i := range 50 {
			subs = append(subs, fact("justice", "birth_registration", fmt.Sprintf("b-%d", i), birth, fin(fmt.Sprintf("%07d", 2000000+i))))
		}
		entry := audit.Entry{Actor: actor, Action: "exchange.batch", Detail: "{}"}
		evidence := func(id string, answer func([]store.Each) (string, error)) store.Evidence {
			return store.Evidence{Batch: store.Batch{Participant: "justice", BatchID: id, ReceivedAt: t0, Body: `{"records":[]}`,
				Signature: "c2ln", SignerSubject: "CN=justice", ClientSubject: "CN=justice"}, Answer: answer}
		}
		counts := func(each []store.Each) (string, error) {
			accepted := 0
			for _, e := range each {
				if e.Err == nil && e.Result.Status == store.Accepted {
					accepted++
				}
			}
			return fmt.Sprintf(`{"accepted":%d}`, accepted), nil
		}

		_, _, err := st.SubmitBatch(ctx, evidence("b-1", func([]store.Each) (string, error) { return "", errors.New("no answer") }), subs, entry)
		if err == nil {
			t.Fatal("a batch that could not be answered was stored")
		}
		if c, _ := st.Count(ctx); c.Facts != 0 {
			t.Fatalf("a batch that could not be answered left %d facts", c.Facts)
		}
		if _, err := st.Batch(ctx, "justice", "b-1"); !fault.Is(err, fault.NotFound) {
			t.Fatalf("a batch that could not be answered was kept: %v", err)
		}

		type result struct {
			prev *store.Batch
			each []store.Each
			err  error
		}
		results := make(chan result, 2)
		start := make(chan struct{})
		for range 2 {
			go func() {
				<-start
				prev, each, err := st.SubmitBatch(ctx, evidence("b-1", counts), subs, entry)
				results <- result{prev, each, err}
			}()
		}
		close(start)
		var stored, replayed int
		for range 2 {
			r := <-results
			switch {
			case r.err != nil:
				t.Fatal(r.err)
			case r.prev != nil:
				replayed++
				if r.prev.Response != `{"accepted":50}` {
					t.Errorf("the second sender got %q, not the first answer", r.prev.Response)
				}
			case len(r.each) == len(subs):
				stored++
			}
		}
		if stored != 1 || replayed != 1 {
			t.Fatalf("%d stored and %d replayed; want one of each", stored, replayed)
		}
		if c, _ := st.Count(ctx); int(c.Facts) != len(subs) {
			t.Errorf("%d facts; want %d", c.Facts, len(subs))
		}
		b, err := st.Batch(ctx, "justice", "b-1")
		if err != nil || b.Response != `{"accepted":50}` || b.Signature != "c2ln" || b.Body != `{"records":[]}` {
			t.Errorf("kept batch = %+v, %v", b, err)
		}
		// SQLite keeps the body compressed; PostgreSQL as received.
		var body string
		var packed []byte
		if err := st.DB().QueryRowContext(ctx, `SELECT body, body_gz FROM batches WHERE batch_id = 'b-1'`).Scan(&body, &packed); err != nil {
			t.Fatal(err)
		}
		if compressed := packed != nil && body == ""; compressed != (st.Engine() == store.SQLite) {
			t.Errorf("%s kept the body as %q and %x", st.Engine(), body, packed)
		}
		// A body kept before compression reads as it was kept.
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO batches (participant, batch_id, received_at, body, signature,
			signer_subject, client_subject, response) VALUES ('justice', 'b-0', 1, '{"old":1}', 's', '', '', '{}')`); err != nil {
			t.Fatal(err)
		}
		if b, err := st.Batch(ctx, "justice", "b-0"); err != nil || b.Body != `{"old":1}` {
			t.Errorf("a batch kept uncompressed = %+v, %v", b, err)
		}

		if _, err := st.DB().ExecContext(ctx, `INSERT INTO batches (participant, batch_id, received_at, body, signature,
			signer_subject, client_subject) VALUES ('justice', 'b-2', 1, '{}', '', '', '')`); err != nil {
			t.Fatal(err)
		}
		prev, each, err := st.SubmitBatch(ctx, evidence("b-2", counts), subs[:1], entry)
		if err != nil || prev != nil || len(each) != 1 {
			t.Fatalf("an unanswered batch sent again: %+v %v %v", prev, each, err)
		}
		if b, err := st.Batch(ctx, "justice", "b-2"); err != nil || b.Response != `{"accepted":0}` || b.Signature != "c2ln" ||
			b.Body != `{"records":[]}` {
			t.Errorf("the unanswered batch taken over = %+v, %v", b, err)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestPendingEntries keeps an entry awaiting its signature in the
// database: a second put of the same form changes nothing, done is
// remembered, and entries older than a day go.
func TestPendingEntries(t *testing.T) {
	now := t0
	storetest.Each(t, func() time.Time { return now }, func(t *testing.T, st *store.Store) {
		e := store.PendingEntry{ID: "tok-1", FIN: "4TH0001", Org: "education", ChildKey: "5ZK3N2P", Category: "schooling",
			Body: []byte(`{"batch_id":"web-tok-1"}`), RequestID: "req-1", Code: "4711", Expires: now.Add(5 * time.Minute)}
		if err := st.PutEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
		again := e
		again.Code = "9999"
		st.PutEntry(ctx, again)
		got, err := st.Entry(ctx, "tok-1")
		if err != nil || got == nil || got.Code != "4711" || string(got.Body) != string(e.Body) || got.Done != "" {
			t.Fatalf("Entry = %+v, %v", got, err)
		}
		if err := st.EntryDone(ctx, "tok-1", "/children/5ZK3N2P?saved=schooling"); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Entry(ctx, "tok-1"); got.Done == "" {
			t.Error("done was not kept")
		}
		now = now.Add(25 * time.Hour)
		st.PutEntry(ctx, store.PendingEntry{ID: "tok-2", FIN: "4TH0001", Org: "education", Body: []byte("{}")})
		if got, _ := st.Entry(ctx, "tok-1"); got != nil {
			t.Error("an entry older than a day was kept")
		}
		if missing, err := st.Entry(ctx, "nope"); missing != nil || err != nil {
			t.Errorf("unknown entry: %+v, %v", missing, err)
		}
	})
}

// TestLoadChildByKey reads a child by its key in one statement: the same
// child as finding it and reading it, the kept child for a key that came
// with a merged one, and not found for a key no one holds.
func TestLoadChildByKey(t *testing.T) {
	storetest.Each(t, clock(), func(t *testing.T, st *store.Store) {
		a, err := st.Submit(ctx, fact("justice", "birth_registration", "br-1", birth, fin("5ZK3N2P")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, fact("education", "schooling", "sc-1", `{"school":"20"}`, fin("5ZK3N2P"))); err != nil {
			t.Fatal(err)
		}
		b, err := st.Submit(ctx, fact("health", "schooling", "sc-2", `{"school":"7"}`, fin("6AB4C7D")))
		if err != nil || b.ChildID == a.ChildID {
			t.Fatalf("second child = %+v, %v", b, err)
		}
		id, err := st.FindChild(ctx, fin("5ZK3N2P"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.LoadChild(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.LoadChildByKey(ctx, fin("5ZK3N2P"))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("LoadChildByKey = %+v\nwant (FindChild, LoadChild) %+v", got, want)
		}
		if len(got.Facts) != 2 || got.ID != a.ChildID || got.Summary.FIN != "5ZK3N2P" {
			t.Fatalf("LoadChildByKey = %+v; want child %d with its two facts", got, a.ChildID)
		}

		if _, err := st.Merge(ctx, a.ChildID, b.ChildID, audit.Actor{Kind: audit.Person, ID: "operator-admin"}, "same child"); err != nil {
			t.Fatal(err)
		}
		kept, err := st.LoadChildByKey(ctx, fin("6AB4C7D"))
		if err != nil || kept.ID != a.ChildID || len(kept.Facts) != 3 {
			t.Fatalf("the merged child's FIN reads %+v, %v; want child %d with three facts", kept, err, a.ChildID)
		}
		if _, err := st.LoadChildByKey(ctx, fin("7XY2Z3W")); !fault.Is(err, fault.NotFound) {
			t.Errorf("an unknown FIN reads %v; want not found", err)
		}
	})
}
