package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/profile"
)

// Child is everything stored about one child: its keys, the hints of
// keyless records, every fact, and the current summary.
type Child struct {
	ID         int64
	Keys       []profile.Key
	Hints      profile.Hints
	MergedInto int64
	Facts      []profile.Fact
	Summary    profile.Summary
}

// FindChild returns the id of the child holding key. It is the first step
// of every read by a key, so its statement stays prepared (s.reads):
// preparing it at every read was a sixteenth of the read handler's CPU.
func (s *Store) FindChild(ctx context.Context, k profile.Key) (int64, error) {
	var id int64
	err := s.reads.QueryRowContext(ctx, `SELECT child_id FROM child_keys WHERE kind = $1 AND value = $2`, k.Kind, k.Value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.E("store.FindChild", fault.NotFound, fmt.Errorf("no child with %s %s", k.Kind, k.Value))
	}
	if err != nil {
		return 0, s.classify("store.FindChild", err)
	}
	return id, nil
}

// LoadChild returns everything stored about a child, with its summary, in
// one consistent snapshot, following merges. It leaves no audit entry: the
// caller decides what may be shown and audits that.
func (s *Store) LoadChild(ctx context.Context, id int64) (*Child, error) {
	c, err := loadChild(ctx, s.reads, id)
	if err != nil {
		return nil, s.classifyKeep("store.LoadChild", err)
	}
	return c, nil
}

// LoadChildByKey is LoadChild for the child holding a key, found in the
// same statement that reads it.
func (s *Store) LoadChildByKey(ctx context.Context, k profile.Key) (*Child, error) {
	c, err := readChildBy(ctx, s.reads, childByKeyStatement, k.Kind, k.Value)
	switch {
	case err != nil:
		return nil, s.classifyKeep("store.LoadChildByKey", err)
	case c == nil:
		return nil, fault.E("store.LoadChildByKey", fault.NotFound, fmt.Errorf("no child with %s %s", k.Kind, k.Value))
	case c.MergedInto != 0:
		return s.LoadChild(ctx, c.MergedInto)
	}
	return c, nil
}

func loadChild(ctx context.Context, q querier, id int64) (*Child, error) {
	var c *Child
	var err error
	for range 10 {
		c, err = readChild(ctx, q, id)
		if err != nil || c.MergedInto == 0 {
			break
		}
		id = c.MergedInto
	}
	return c, err
}

// childStatement reads a child whole in one statement — so in one
// snapshot on either engine, and on PostgreSQL in one round trip, where a
// transaction of four statements took six: its row, its keys, its facts
// oldest first, and its summary. Each part's rows are told apart by the
// first column and fill the columns they need: n1–n5 numbers, s1–s17
// text.
var childStatement = `
SELECT 0 AS part, merged_into AS n1, id AS n2, ` + nullNumbers3 + `,
	hint_given AS s1, hint_family AS s2, hint_patronymic AS s3, hint_birth_date AS s4, hint_mother_fin AS s5, ` + nullTexts12 + `
FROM children WHERE id = $1
UNION ALL
SELECT 1, NULL, NULL, NULL, NULL, NULL, kind, value, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL
FROM child_keys WHERE child_id = $1
UNION ALL
SELECT 2, id, child_id, received_at, supersedes, is_current, category, sender, source_id, action, effective_date, payload,
	content_hash, batch_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM facts WHERE child_id = $1
UNION ALL
SELECT 3, categories, NULL, NULL, NULL, NULL, fin, given_name, family_name, patronymic, name_key, family_root, birth_date,
	sex, citizenship, region, district, care_status, mother_fin, father_fin, status, archived_reason, archived_on
FROM profiles WHERE child_id = $1
ORDER BY 1, 2, 7, 8`

// The first part's empty columns have their types: PostgreSQL gives two
// untyped NULLs in a row of UNIONs the type text.
var (
	nullNumbers3 = strings.Repeat("CAST(NULL AS BIGINT), ", 2) + "CAST(NULL AS BIGINT)"
	nullTexts12  = strings.Repeat("CAST(NULL AS TEXT), ", 11) + "CAST(NULL AS TEXT)"
)

// childByKeyStatement is childStatement for the child holding a key
// ($1 its kind, $2 its value): a read by a FIN finds the child and reads
// it in one statement, one snapshot and one pass through the connection
// pool, where finding it first was a statement of its own.
var childByKeyStatement = strings.ReplaceAll(childStatement, "$1",
	"(SELECT child_id FROM child_keys WHERE kind = $1 AND value = $2)")

// readChild reads one child, not following a merge.
func readChild(ctx context.Context, q querier, id int64) (*Child, error) {
	c, err := readChildBy(ctx, q, childStatement, id)
	if err == nil && c == nil {
		err = fault.E("store.ReadChild", fault.NotFound, fmt.Errorf("no child %d", id))
	}
	return c, err
}

// readChildBy reads the child a statement of childStatement's shape
// selects, or nil when there is none.
func readChildBy(ctx context.Context, q querier, query string, args ...any) (*Child, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var c *Child
	var n [5]sql.NullInt64
	var t [17]sql.NullString
	cols := make([]any, 0, 23)
	var part int
	cols = append(cols, &part)
	for i := range n {
		cols = append(cols, &n[i])
	}
	for i := range t {
		cols = append(cols, &t[i])
	}
	for rows.Next() {
		if err := rows.Scan(cols...); err != nil {
			return nil, err
		}
		if part == 0 {
			c = &Child{ID: n[1].Int64, Keys: []profile.Key{}, MergedInto: n[0].Int64}
			c.Hints.Name = category.PersonName{Given: t[0].String, Family: t[1].String, Patronymic: t[2].String}
			if t[3].String != "" {
				c.Hints.BirthDate, _ = category.ParseDate(t[3].String)
			}
			c.Hints.MotherFIN = t[4].String
			continue
		}
		if c == nil {
			break // the child is not there: its parts cannot be
		}
		switch part {
		case 1:
			c.Keys = append(c.Keys, profile.Key{Kind: t[0].String, Value: t[1].String})
		case 2:
			f := profile.Fact{ID: n[0].Int64, ChildID: n[1].Int64, ReceivedAt: fromMicros(n[2].Int64), Supersedes: n[3].Int64,
				Current: n[4].Int64 == 1, Category: t[0].String, Sender: t[1].String, SourceID: t[2].String, Action: t[3].String,
				ContentHash: t[6].String, BatchID: t[7].String}
			if f.EffectiveDate, err = category.ParseDate(t[4].String); err != nil {
				return nil, fmt.Errorf("fact %d: %w", f.ID, err)
			}
			if t[5].Valid {
				f.Payload = json.RawMessage(t[5].String)
			}
			c.Facts = append(c.Facts, f)
		case 3:
			sum := profile.Summary{FIN: t[0].String, Name: category.PersonName{Given: t[1].String, Family: t[2].String, Patronymic: t[3].String},
				NameKey: t[4].String, FamilyRoot: t[5].String, Sex: t[7].String, Citizenship: t[8].String, Region: t[9].String,
				District: t[10].String, CareStatus: t[11].String, MotherFIN: t[12].String, FatherFIN: t[13].String,
				Categories: n[0].Int64, Status: t[14].String, ArchivedReason: t[15].String, ArchivedOn: t[16].String}
			if t[6].String != "" {
				sum.BirthDate, _ = category.ParseDate(t[6].String)
			}
			sum.Deceased = sum.Status == "deceased"
			c.Summary = sum
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// StoredSummary returns the summary row kept for a child, as search and
// reports see it. A search by a key asks it of the child found, so its
// statement stays prepared (s.reads), as FindChild's does.
func (s *Store) StoredSummary(ctx context.Context, childID int64) (profile.Summary, string, error) {
	sum, err := storedSummary(ctx, s.reads, childID)
	if errors.Is(err, sql.ErrNoRows) {
		return sum, "", fault.E("store.StoredSummary", fault.NotFound, fmt.Errorf("no profile for child %d", childID))
	}
	if err != nil {
		return sum, "", s.classify("store.StoredSummary", err)
	}
	return sum, sum.Status, nil
}

const summaryColumns = `fin, given_name, family_name, patronymic, name_key, family_root, birth_date,
	sex, citizenship, region, district, care_status, mother_fin, father_fin, categories, status, archived_reason, archived_on`

// profileJoin is a LEFT JOIN of the profile of the child whose id is on,
// as p. On SQLite a profile is two rows (migration 25), and the view
// profiles on the right of a LEFT JOIN would be read whole: the join is
// of its two tables, p (profile_facets) and pr (profile_rows).
func (s *Store) profileJoin(on string) string {
	if s.engine == SQLite {
		return "LEFT JOIN profile_facets p ON p.child_id = " + on + " LEFT JOIN profile_rows pr ON pr.child_id = " + on
	}
	return "LEFT JOIN profiles p ON p.child_id = " + on
}

// profileColumn is a column of a profileJoin, qualified.
func (s *Store) profileColumn(col string) string { return profileColumnOn(s.engine, col) }

func profileColumnOn(e Engine, col string) string {
	if e == SQLite && !facetColumns[col] && col != "updated_at" {
		return "pr." + col
	}
	return "p." + col
}

// joinedSummary is summaryColumns of a profileJoin, a missing profile's as
// empty values.
func (s *Store) joinedSummary() string { return joinedSummaries[s.engine] }

var joinedSummaries = map[Engine]string{SQLite: joinedSummaryOn(SQLite), Postgres: joinedSummaryOn(Postgres)}

func joinedSummaryOn(e Engine) string {
	cols := make([]string, len(summaryFields))
	for i, f := range summaryFields {
		empty := "''"
		if f == "categories" {
			empty = "0"
		}
		cols[i] = "coalesce(" + profileColumnOn(e, f) + ", " + empty + ")"
	}
	return strings.Join(cols, ", ")
}

// scanSummary scans the extra columns, then summaryColumns.
func scanSummary(r scanner, extra ...any) (profile.Summary, error) {
	var sum profile.Summary
	var bd string
	err := r.Scan(append(extra, &sum.FIN, &sum.Name.Given, &sum.Name.Family, &sum.Name.Patronymic,
		&sum.NameKey, &sum.FamilyRoot, &bd, &sum.Sex, &sum.Citizenship, &sum.Region, &sum.District, &sum.CareStatus,
		&sum.MotherFIN, &sum.FatherFIN, &sum.Categories, &sum.Status, &sum.ArchivedReason, &sum.ArchivedOn)...)
	if err != nil {
		return sum, err
	}
	if bd != "" {
		sum.BirthDate, _ = category.ParseDate(bd)
	}
	sum.Deceased = sum.Status == "deceased"
	return sum, nil
}

func storedSummary(ctx context.Context, q querier, childID int64) (profile.Summary, error) {
	return scanSummary(q.QueryRowContext(ctx, `SELECT `+summaryColumns+` FROM profiles WHERE child_id = $1`, childID))
}

// ChildState returns the stored summary of the child the first known key
// names, and whether there is one: what validation and the access policy
// need before a record about the child is written.
func (s *Store) ChildState(ctx context.Context, keys []profile.Key) (profile.Summary, bool, error) {
	st, err := s.ChildStates(ctx, keys)
	if err != nil {
		return profile.Summary{}, false, err
	}
	sum, ok := st.Of(keys)
	return sum, ok, nil
}

// States are the stored summaries of the children some keys name.
type States struct {
	owned    map[profile.Key]bool
	profiles map[profile.Key]profile.Summary
}

// Of is ChildState of keys: the summary of the child the first of the keys
// held by a child names, and whether that child has one.
func (st States) Of(keys []profile.Key) (profile.Summary, bool) {
	for _, k := range keys {
		if st.owned[k] {
			sum, ok := st.profiles[k]
			return sum, ok
		}
	}
	return profile.Summary{}, false
}

// ChildStates looks up the children of many keys at once, for a batch
// that validates its records before writing them.
func (s *Store) ChildStates(ctx context.Context, keys []profile.Key) (States, error) {
	st := States{owned: map[profile.Key]bool{}, profiles: map[profile.Key]profile.Summary{}}
	byKind := map[string][]string{}
	seen := map[profile.Key]bool{}
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			byKind[k.Kind] = append(byKind[k.Kind], k.Value)
		}
	}
	for kind, values := range byKind {
		err := inChunks(len(values), idsPerQuery, func(lo, hi int) error {
			args := []any{kind}
			for _, v := range values[lo:hi] {
				args = append(args, v)
			}
			// Padded, the lists come in a few lengths, whose statements
			// stay prepared: parsing a statement for every batch's list
			// was an eighth of this lookup's CPU at a million children.
			args, in := padIn(args, 1)
			rows, err := s.reads.QueryContext(ctx, `SELECT k.value, p.child_id, `+s.joinedSummary()+`
				FROM child_keys k `+s.profileJoin("k.child_id")+`
				WHERE k.kind = $1 AND k.value IN (`+in+`)`, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var v string
				var has sql.NullInt64
				sum, err := scanSummary(rows, &v, &has)
				if err != nil {
					return err
				}
				k := profile.Key{Kind: kind, Value: v}
				st.owned[k] = true
				if has.Valid {
					st.profiles[k] = sum
				}
			}
			return rows.Err()
		})
		if err != nil {
			return States{}, s.classify("store.ChildStates", err)
		}
	}
	return st, nil
}

func addCandidate(ctx context.Context, tx querier, childID, candidateID int64, reason string, now interface{ UnixMicro() int64 }) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO match_candidates (child_id, candidate_id, reason, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (child_id, candidate_id) DO NOTHING`, childID, candidateID, reason, now.UnixMicro())
	return err
}

// Candidate is a pair of children that may be one.
type Candidate struct {
	ChildID     int64  `json:"child_id"`
	CandidateID int64  `json:"candidate_id"`
	Reason      string `json:"reason"`
	Resolution  string `json:"resolution,omitempty"`
}

// Candidates lists the unresolved candidate matches.
func (s *Store) Candidates(ctx context.Context, limit int) ([]Candidate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT child_id, candidate_id, reason, resolution FROM match_candidates
		WHERE resolution = '' ORDER BY created_at, child_id LIMIT $1`, limit)
	if err != nil {
		return nil, s.classify("store.Candidates", err)
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ChildID, &c.CandidateID, &c.Reason, &c.Resolution); err != nil {
			return nil, s.classify("store.Candidates", err)
		}
		out = append(out, c)
	}
	return out, s.classify("store.Candidates", rows.Err())
}

// Merge makes one child of two: the facts and keys of merged move to kept,
// merged points to kept, and what moved is recorded so that Split can undo
// it. It returns the merge's id.
func (s *Store) Merge(ctx context.Context, kept, merged int64, actor audit.Actor, reason string) (int64, error) {
	if kept == merged {
		return 0, fault.E("store.Merge", fault.Invalid, "a child cannot be merged into itself")
	}
	var mergeID int64
	err := s.tx(ctx, "store.Merge", false, func(tx *sql.Tx) error {
		for _, id := range []int64{kept, merged} {
			c, err := readChild(ctx, tx, id)
			if err != nil {
				return err
			}
			if c.MergedInto != 0 {
				return fault.E("store.Merge", fault.Conflict, fmt.Errorf("child %d is already merged into %d", id, c.MergedInto))
			}
		}
		m, err := readChild(ctx, tx, merged)
		if err != nil {
			return err
		}
		factIDs := make([]int64, len(m.Facts))
		for i, f := range m.Facts {
			factIDs[i] = f.ID
		}
		fj, _ := json.Marshal(factIDs)
		kj, _ := json.Marshal(m.Keys)
		for _, q := range []string{
			`UPDATE facts SET child_id = $1 WHERE child_id = $2`,
			`UPDATE child_keys SET child_id = $1 WHERE child_id = $2`,
			`UPDATE children SET merged_into = $1 WHERE id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, q, kept, merged); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE match_candidates SET resolution = 'merged'
			WHERE (child_id = $1 AND candidate_id = $2) OR (child_id = $2 AND candidate_id = $1)`, kept, merged); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO merges (kept_id, merged_id, fact_ids, key_list, actor, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, kept, merged, string(fj), string(kj), actor.ID, reason,
			micros(s.now())).Scan(&mergeID)
		if err != nil {
			return err
		}
		if err := s.reproject(ctx, tx, merged, kept); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"merge": mergeID, "kept": kept, "merged": merged, "reason": reason})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "child.merge", ChildID: kept, Outcome: "done", Detail: string(detail)})
	})
	return mergeID, err
}

// Split undoes a merge: the facts and keys that moved go back, and both
// children are projected anew. Facts that arrived for the kept child after
// the merge stay with it.
func (s *Store) Split(ctx context.Context, mergeID int64, actor audit.Actor, reason string) error {
	return s.tx(ctx, "store.Split", false, func(tx *sql.Tx) error {
		var kept, merged int64
		var fj, kj string
		var undone sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT kept_id, merged_id, fact_ids, key_list, undone_at FROM merges WHERE id = $1`,
			mergeID).Scan(&kept, &merged, &fj, &kj, &undone)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.E("store.Split", fault.NotFound, fmt.Errorf("no merge %d", mergeID))
		}
		if err != nil {
			return err
		}
		if undone.Valid {
			return fault.E("store.Split", fault.Conflict, fmt.Errorf("merge %d is already undone", mergeID))
		}
		var factIDs []int64
		var keys []profile.Key
		if err := json.Unmarshal([]byte(fj), &factIDs); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(kj), &keys); err != nil {
			return err
		}
		for _, id := range factIDs {
			if _, err := tx.ExecContext(ctx, `UPDATE facts SET child_id = $1 WHERE id = $2`, merged, id); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `UPDATE child_keys SET child_id = $1 WHERE kind = $2 AND value = $3`,
				merged, k.Kind, k.Value); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE children SET merged_into = NULL WHERE id = $1`, merged); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE merges SET undone_at = $1 WHERE id = $2`, micros(s.now()), mergeID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE match_candidates SET resolution = 'split'
			WHERE (child_id = $1 AND candidate_id = $2) OR (child_id = $2 AND candidate_id = $1)`, kept, merged); err != nil {
			return err
		}
		if err := s.reproject(ctx, tx, kept, merged); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"merge": mergeID, "kept": kept, "merged": merged, "reason": reason})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "child.split", ChildID: merged, Outcome: "done", Detail: string(detail)})
	})
}

// Counts are the sizes of the main tables.
type Counts struct {
	Children int64 `json:"children"`
	Facts    int64 `json:"facts"`
	Audit    int64 `json:"audit_entries"`
}

// Count returns the sizes of the main tables.
func (s *Store) Count(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM children WHERE merged_into IS NULL),
		(SELECT count(*) FROM facts), (SELECT seq FROM audit_head WHERE id = 1)`).Scan(&c.Children, &c.Facts, &c.Audit)
	return c, s.classify("store.Count", err)
}

// Match is a child found by search, with what identifies it.
type Match struct {
	ChildID   int64               `json:"child_id"`
	FIN       string              `json:"fin,omitempty"`
	Name      category.PersonName `json:"name"`
	BirthDate string              `json:"birth_date,omitempty"`
	District  string              `json:"district,omitempty"`
	Status    string              `json:"status"`
	// Summary is the child's stored summary, which the access policy
	// decides on; filled by SearchProfiles, and never shown as such.
	Summary profile.Summary `json:"-"`
}

// SearchByName finds the children whose folded name key and birth date
// are the given ones.
func (s *Store) SearchByName(ctx context.Context, nameKey string, birthDate category.Date, limit int) ([]Match, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT child_id, fin, given_name, family_name, patronymic, birth_date, district, status
		FROM profiles WHERE name_key = $1 AND name_key <> '' AND birth_date = $2 ORDER BY child_id LIMIT $3`, nameKey, birthDate.String(), limit)
	if err != nil {
		return nil, s.classify("store.SearchByName", err)
	}
	defer rows.Close()
	out := []Match{}
	for rows.Next() {
		var m Match
		if err := rows.Scan(&m.ChildID, &m.FIN, &m.Name.Given, &m.Name.Family, &m.Name.Patronymic, &m.BirthDate, &m.District, &m.Status); err != nil {
			return nil, s.classify("store.SearchByName", err)
		}
		out = append(out, m)
	}
	return out, s.classify("store.SearchByName", rows.Err())
}

// ProfileQuery selects children's profiles for search: by folded name
// (key or family root), FIN, place, birth dates, a category present, and
// the parent's FIN; archived profiles are left out unless asked for.
// Page is 0-based.
type ProfileQuery struct {
	NameKey, FamilyRoot string
	FIN                 string
	Region, District    string
	BornFrom, BornTo    category.Date
	HasBit              int // -1 for any
	ParentFIN           string
	Limit, Page         int
	// IncludeArchived lists archived profiles too: for the operator.
	IncludeArchived bool
}

// SearchProfiles returns one page of the profiles a query selects, by
// family name, and whether there are more.
//
// A name matches a child by its family root (Məmmədov finds Məmmədova
// too) or as the start of the child's "given family" key. The two are
// asked apart and their first pages merged: the family root's page comes
// in order straight from the index profiles_family (a common root holds a
// tenth of all children, too many to sort for each page), and the
// given-name prefix matches few.
func (s *Store) SearchProfiles(ctx context.Context, q ProfileQuery) ([]Match, bool, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	query, args := s.profileSearch(q)
	rows, err := s.reads.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, false, s.classify("store.SearchProfiles", err)
	}
	defer rows.Close()
	out := []Match{}
	for rows.Next() {
		var m Match
		if m.Summary, err = scanSummary(rows, &m.ChildID); err != nil {
			return nil, false, s.classify("store.SearchProfiles", err)
		}
		sum := m.Summary
		m.FIN, m.Name, m.BirthDate, m.District, m.Status = sum.FIN, sum.Name, sum.BirthDate.String(), sum.District, sum.Status
		out = append(out, m)
	}
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, s.classify("store.SearchProfiles", rows.Err())
}

// familyOrdered is, on SQLite, the profiles as the view profiles gives
// them but read through the index profiles_family, which orders a family
// root's children as a search lists them. (A view cannot be told which
// index to use; without being told, SQLite may take the place's.) Its
// columns are the summary's, each from its table (facetColumns).
var familyOrdered = func() string {
	cols := []string{"r.child_id AS child_id"}
	for _, f := range summaryFields {
		table := "r"
		if facetColumns[f] {
			table = "f"
		}
		cols = append(cols, table+"."+f+" AS "+f)
	}
	return `(SELECT ` + strings.Join(cols, ", ") + `
	FROM profile_rows r INDEXED BY profiles_family JOIN profile_facets f ON f.child_id = r.child_id) AS profiles`
}()

// profileSearch is the statement of SearchProfiles, with its arguments:
// the page q asks for and one more row.
func (s *Store) profileSearch(q ProfileQuery) (string, []any) {
	where, args := []string{"status <> 'archived'"}, []any{}
	if q.IncludeArchived {
		where = []string{"1 = 1"}
	}
	// bind numbers cond's placeholders after the arguments so far and
	// takes vals as theirs.
	bind := func(cond string, vals ...any) string {
		for _, v := range vals {
			args = append(args, v)
			cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(args)), 1)
		}
		return cond
	}
	add := func(cond string, vals ...any) { where = append(where, bind(cond, vals...)) }
	byName := q.NameKey != "" && q.FIN == ""
	if q.FIN != "" {
		// Any FIN the child is known by, through its keys: the profiles'
		// own FIN column has no index on SQLite (migration 25).
		add("child_id IN (SELECT child_id FROM child_keys WHERE kind = 'fin' AND value = ?)", q.FIN)
	}
	// With a name, the name's indexes narrow the search most; SQLite,
	// without statistics, would take the place's index (a region holds
	// up to a quarter of the children): the unary + keeps it off.
	place := ""
	if byName && s.engine == SQLite {
		place = "+"
	}
	if q.Region != "" {
		if place == "" {
			add("region = ? AND region <> ''", q.Region) // the condition of profiles_place on SQLite
		} else {
			add(place+"region = ?", q.Region)
		}
	}
	if q.District != "" {
		add(place+"district = ?", q.District)
	}
	if !q.BornFrom.IsZero() {
		add(place+"birth_date >= ?", q.BornFrom.String())
	}
	if !q.BornTo.IsZero() {
		add(place+"birth_date <= ?", q.BornTo.String())
	}
	if q.HasBit >= 0 {
		add("(categories & ?) <> 0", int64(1)<<q.HasBit)
	}
	if q.ParentFIN != "" {
		add("((father_fin = ? AND father_fin <> '') OR (mother_fin = ? AND mother_fin <> ''))", q.ParentFIN, q.ParentFIN)
	}
	// Each match's whole summary, on which the access policy decides.
	const columns = `child_id, ` + summaryColumns
	const order = ` ORDER BY family_name, given_name, child_id`
	common := strings.Join(where, " AND ")
	var query string
	if !byName {
		args = append(args, q.Limit+1, q.Page*q.Limit)
		query = `SELECT ` + columns + ` FROM profiles WHERE ` + common + fmt.Sprintf(order+` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	} else {
		// Each part's first pages, up to and one past the one asked for;
		// a child both parts find is listed once.
		family := bind("family_root = ? AND family_root <> ''", q.FamilyRoot)
		var prefix string
		from := "profiles"
		if s.engine == SQLite {
			// A prefix as a range, which SQLite's index answers (a LIKE it
			// answers only by reading every profile). Keys compare as
			// bytes in SQLite, and no UTF-8 character sorts above
			// U+10FFFF; PostgreSQL's collation may not compare so.
			prefix = bind("(name_key >= ? AND name_key < ? AND name_key <> '')", q.NameKey, q.NameKey+"\U0010FFFF")
			from = familyOrdered
		} else {
			prefix = bind("(name_key = ? OR name_key LIKE ?)", q.NameKey, q.NameKey+"%")
		}
		args = append(args, (q.Page+1)*q.Limit+1, q.Limit+1, q.Page*q.Limit)
		n := len(args)
		parts, page := fmt.Sprintf(" LIMIT $%d", n-2), fmt.Sprintf(" LIMIT $%d OFFSET $%d", n-1, n)
		query = `SELECT ` + columns + ` FROM (SELECT ` + columns + ` FROM ` + from + ` WHERE ` + common + ` AND ` + family + order + parts + `) AS by_family
			UNION SELECT ` + columns + ` FROM (SELECT ` + columns + ` FROM profiles WHERE ` + common + ` AND ` + prefix + order + parts + `) AS by_prefix` +
			order + page
	}
	return query, args
}
