package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/profile"
)

// reproject recomputes the summaries of children from their current facts
// and stores them, in the transaction of the change that called for it.
// It reads and writes all of them at once: a batch touches hundreds of
// children, and a query or two per child was most of a batch's time.
func (s *Store) reproject(ctx context.Context, tx querier, ids ...int64) error {
	rows, gone, err := s.projections(ctx, tx, ids)
	if err != nil {
		return err
	}
	if err := deleteProfiles(ctx, tx, gone); err != nil {
		return err
	}
	return s.writeProfiles(ctx, tx, rows)
}

// stillArchived is the projection of an archived profile: it stays
// archived, unless it was archived at 18 and a corrected birth date makes
// the child a minor again, which restores it.
func stillArchived(row summaryRow, stored *summaryRow, today category.Date) summaryRow {
	if stored.archivedReason == "age18" && row.status == "active" && row.birthDate > today.AddYears(-18).String() {
		return row
	}
	row.status, row.archivedReason, row.archivedOn = "archived", stored.archivedReason, stored.archivedOn
	return row
}

// projections projects children from their stored facts. It returns the
// profile rows that changed, in order of child, and the children merged
// into others, whose profiles go.
func (s *Store) projections(ctx context.Context, tx querier, ids []int64) ([]profileRow, []int64, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var rows []profileRow
	var gone []int64
	err := inChunks(len(ids), idsPerQuery, func(lo, hi int) error {
		r, g, err := s.projectChunk(ctx, tx, ids[lo:hi])
		rows, gone = append(rows, r...), append(gone, g...)
		return err
	})
	return rows, gone, err
}

// profileRow is a profile to write: the child, its summary, and the
// summary as stored, nil when the child has no profile yet.
type profileRow struct {
	id     int64
	row    summaryRow
	stored *summaryRow
}

func rowOf(sum profile.Summary) summaryRow {
	status := "active"
	if sum.Deceased {
		status = "deceased"
	}
	return summaryRow{sum.FIN, sum.Name.Given, sum.Name.Family, sum.Name.Patronymic, sum.NameKey, sum.FamilyRoot,
		sum.BirthDate.String(), sum.Sex, sum.Citizenship, sum.Region, sum.District, sum.CareStatus, sum.MotherFIN,
		sum.FatherFIN, sum.Categories, status, "", ""}
}

func deleteProfiles(ctx context.Context, tx querier, ids []int64) error {
	return inChunks(len(ids), idsPerQuery, func(lo, hi int) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM profiles WHERE child_id IN (`+placeholders(1, hi-lo)+`)`, int64Args(ids[lo:hi])...)
		return err
	})
}

// projected is what projecting a child needs of it.
type projected struct {
	hints  profile.Hints
	merged bool
	fin    string
	facts  []profile.Fact
	stored *summaryRow // nil when the child has no profile yet
}

// summaryRow is a profile row as stored, but for its child and time.
type summaryRow struct {
	fin, given, family, patronymic, nameKey, familyRoot, birthDate, sex, citizenship, region, district,
	careStatus, motherFIN, fatherFIN string
	categories                         int64
	status, archivedReason, archivedOn string
}

func (r *summaryRow) dest() []any {
	return []any{&r.fin, &r.given, &r.family, &r.patronymic, &r.nameKey, &r.familyRoot, &r.birthDate, &r.sex,
		&r.citizenship, &r.region, &r.district, &r.careStatus, &r.motherFIN, &r.fatherFIN, &r.categories, &r.status,
		&r.archivedReason, &r.archivedOn}
}

// summaryFields are the profile columns of a summaryRow, in the order of
// its dest and args.
var summaryFields = strings.Fields(strings.ReplaceAll(summaryColumns, ",", " "))

func (r *summaryRow) args() []any {
	return []any{r.fin, r.given, r.family, r.patronymic, r.nameKey, r.familyRoot, r.birthDate, r.sex, r.citizenship,
		r.region, r.district, r.careStatus, r.motherFIN, r.fatherFIN, r.categories, r.status, r.archivedReason, r.archivedOn}
}

func (s *Store) projectChunk(ctx context.Context, tx querier, ids []int64) ([]profileRow, []int64, error) {
	args, in := padIn(int64Args(ids), 0)
	children := make(map[int64]*projected, len(ids))
	// The child, with its profile as stored: a batch of records that do
	// not change a summary (most of them) writes no profile.
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.hint_given, c.hint_family, c.hint_patronymic, c.hint_birth_date,
		c.hint_mother_fin, c.merged_into, p.child_id, `+s.joinedSummary()+`
		FROM children c `+s.profileJoin("c.id")+` WHERE c.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var c projected
		var bd string
		var merged, has sql.NullInt64
		var r summaryRow
		if err := rows.Scan(&id, &c.hints.Name.Given, &c.hints.Name.Family, &c.hints.Name.Patronymic, &bd,
			&c.hints.MotherFIN, &merged, &has, &r.fin, &r.given, &r.family, &r.patronymic, &r.nameKey, &r.familyRoot,
			&r.birthDate, &r.sex, &r.citizenship, &r.region, &r.district, &r.careStatus, &r.motherFIN, &r.fatherFIN,
			&r.categories, &r.status, &r.archivedReason, &r.archivedOn); err != nil {
			rows.Close()
			return nil, nil, err
		}
		c.hints.BirthDate, _ = category.ParseDate(bd)
		c.merged = merged.Valid
		if has.Valid {
			c.stored = &r
		}
		children[id] = &c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	// The FIN the child is known by: the last of its FIN keys, as a
	// child holding several after a merge shows one. The kind is picked
	// here, not in the query: asked for a kind, SQLite's planner takes the
	// primary key (kind, value) and reads every FIN in the registry.
	rows, err = tx.QueryContext(ctx, `SELECT child_id, kind, value FROM child_keys
		WHERE child_id IN (`+in+`) ORDER BY child_id, value`, args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var kind, value string
		if err := rows.Scan(&id, &kind, &value); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if c := children[id]; c != nil && kind == profile.KeyFIN {
			c.fin = value
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	// Only the current upserts count (profile.Knows). The summary reads
	// the payloads of a few categories; of the others only whether the
	// child has them, which the index facts_child answers alone.
	rows, err = tx.QueryContext(ctx, `SELECT `+factColumns+` FROM facts
		WHERE is_current = 1 AND action = 'upsert' AND child_id IN (`+in+`) AND category IN (`+summaryCategoryList+`)
		ORDER BY id`, args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		f, err := scanFact(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		if c := children[f.ChildID]; c != nil {
			c.facts = append(c.facts, *f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT DISTINCT child_id, category FROM facts
		WHERE is_current = 1 AND action = 'upsert' AND child_id IN (`+in+`) AND category NOT IN (`+summaryCategoryList+`)`, args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		f := profile.Fact{Action: profile.Upsert, Current: true}
		if err := rows.Scan(&f.ChildID, &f.Category); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if c := children[f.ChildID]; c != nil {
			c.facts = append(c.facts, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	var gone []int64
	var out []profileRow
	today := category.Today(s.now())
	for _, id := range ids {
		c := children[id]
		if c == nil {
			continue
		}
		if c.merged {
			gone = append(gone, id)
			continue
		}
		row := rowOf(profile.Project(c.facts, c.fin, c.hints, today))
		if c.stored != nil && c.stored.status == "archived" {
			row = stillArchived(row, c.stored, today)
		}
		if c.stored != nil && *c.stored == row {
			continue
		}
		out = append(out, profileRow{id, row, c.stored})
	}
	return out, gone, nil
}

// writeProfiles inserts or updates profile rows. On PostgreSQL it writes
// them in the order given, in order of child, so that concurrent batches
// lock the rows they share in one order and never deadlock on them. On
// SQLite, whose one writer takes no row locks, it adds the categories of
// the profiles that only gained some (gainCategories), updates the other
// stored profiles column by column (updateProfile), and then inserts the
// new ones.
func (s *Store) writeProfiles(ctx context.Context, tx querier, rows []profileRow) error {
	now := micros(s.now())
	if s.engine == SQLite {
		fresh := rows[:0:0]
		gained := map[int64][]int64{}
		for _, r := range rows {
			if r.stored == nil {
				fresh = append(fresh, r)
			} else if bits := onlyGained(r); bits != 0 {
				gained[bits] = append(gained[bits], r.id)
			} else if err := updateProfile(ctx, tx, r, now); err != nil {
				return err
			}
		}
		if err := gainCategories(ctx, tx, gained, now); err != nil {
			return err
		}
		return s.insertProfiles(ctx, tx, fresh, now)
	}
	return inChunks(len(rows), s.rowsPerWrite(), func(lo, hi int) error {
		var args []any
		for _, r := range rows[lo:hi] {
			args = append(append(append(args, r.id), r.row.args()...), now)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO profiles (child_id, fin, given_name, family_name, patronymic, name_key,
		family_root, birth_date, sex, citizenship, region, district, care_status, mother_fin, father_fin, categories,
		status, archived_reason, archived_on, updated_at)
		VALUES `+tuples(hi-lo, 20)+`
		ON CONFLICT (child_id) DO UPDATE SET fin = excluded.fin, given_name = excluded.given_name,
		family_name = excluded.family_name, patronymic = excluded.patronymic, name_key = excluded.name_key,
		family_root = excluded.family_root, birth_date = excluded.birth_date, sex = excluded.sex,
		citizenship = excluded.citizenship, region = excluded.region, district = excluded.district,
		care_status = excluded.care_status, mother_fin = excluded.mother_fin, father_fin = excluded.father_fin,
		categories = excluded.categories, status = excluded.status, archived_reason = excluded.archived_reason,
		archived_on = excluded.archived_on, updated_at = excluded.updated_at`, args...)
		return err
	})
}

// summaryCategoryList is profile.SummaryCategories as an SQL list: the
// categories whose payloads the summary reads.
var summaryCategoryList = func() string {
	quoted := make([]string, len(profile.SummaryCategories))
	for i, c := range profile.SummaryCategories {
		quoted[i] = "'" + c + "'"
	}
	return strings.Join(quoted, ", ")
}()

// projectSet projects the children a set-based batch touched, without
// reading their facts where it can:
//
//   - a child the batch created has no facts but the batch's, in hand;
//   - a child that only gained new records of categories whose payloads
//     the summary does not read (profile.SummaryCategories), superseding
//     nothing, gains only their bits; unless its care status is a
//     guardianship, whose end the projection compares with today.
//
// The others are projected from their stored facts. Both give what
// projecting from the stored facts would: the set-based batch tests hold
// the two against each other. All the rows are written in order of child.
func (s *Store) projectSet(ctx context.Context, tx querier, subs []Submission, plans []planned, accepted []int,
	factIDs []int64, touched []int64) error {
	type child struct {
		created, full bool
		facts         []profile.Fact
		bits          int64
		fin           string
		hints         profile.Hints
	}
	children := map[int64]*child{}
	get := func(id int64) *child {
		c := children[id]
		if c == nil {
			c = &child{}
			children[id] = c
		}
		return c
	}
	for _, id := range touched {
		get(id)
	}
	for i, p := range plans {
		if p.err != nil || !p.created {
			continue
		}
		c := get(p.childID)
		c.created, c.hints = true, subs[i].Hints
	}
	for _, p := range plans {
		if p.err != nil {
			continue
		}
		for _, k := range p.newKeys {
			if k.Kind != profile.KeyFIN {
				continue
			}
			c := children[p.childID]
			if c == nil {
				continue // an unchanged record's key: the child is not projected
			}
			if !c.created {
				c.full = true // the FIN the child is known by may change
			} else if k.Value > c.fin {
				c.fin = k.Value // the last of its FIN keys, as reproject takes it
			}
		}
	}
	for j, i := range accepted {
		p, f := plans[i], subs[i].Fact
		if p.prev != nil && p.prev.childID != p.childID {
			get(p.prev.childID).full = true
		}
		c := get(p.childID)
		if c.created {
			if f.Action == profile.Upsert {
				f.ID, f.ChildID, f.Current = factIDs[j], p.childID, true
				c.facts = append(c.facts, f)
			}
			continue
		}
		if p.prev != nil || f.Action != profile.Upsert || slices.Contains(profile.SummaryCategories, f.Category) {
			c.full = true
			continue
		}
		if cat, ok := category.Lookup(f.Category); ok {
			c.bits |= 1 << cat.Bit
		}
	}

	var full, gaining []int64
	var rows []profileRow
	today := category.Today(s.now())
	for id, c := range children {
		switch {
		case c.created:
			rows = append(rows, profileRow{id: id, row: rowOf(profile.Project(c.facts, c.fin, c.hints, today))})
		case c.full:
			full = append(full, id)
		default:
			gaining = append(gaining, id)
		}
	}
	slices.Sort(gaining)

	// The children gaining bits: those whose profile lacks one of them.
	err := inChunks(len(gaining), idsPerQuery, func(lo, hi int) error {
		args, in := padIn(int64Args(gaining[lo:hi]), 0)
		// On SQLite only the profile's facets: what decides, and the bits,
		// which are all that changes (updateProfile writes what differs).
		query := `SELECT child_id, ` + summaryColumns + ` FROM profiles WHERE child_id IN (` + in + `)`
		if s.engine == SQLite {
			query = `SELECT child_id, care_status, categories FROM profile_facets WHERE child_id IN (` + in + `)`
		}
		q, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer q.Close()
		seen := map[int64]bool{}
		for q.Next() {
			var r profileRow
			dest := append([]any{&r.id}, r.row.dest()...)
			if s.engine == SQLite {
				dest = []any{&r.id, &r.row.careStatus, &r.row.categories}
			}
			if err := q.Scan(dest...); err != nil {
				return err
			}
			seen[r.id] = true
			switch bits := children[r.id].bits; {
			case r.row.careStatus != "" && r.row.careStatus != profile.CareDeprived:
				full = append(full, r.id)
			case r.row.categories|bits != r.row.categories:
				stored := r.row
				r.row.categories |= bits
				r.stored = &stored
				rows = append(rows, r)
			}
		}
		for _, id := range gaining[lo:hi] {
			if !seen[id] {
				full = append(full, id) // no profile yet
			}
		}
		return q.Err()
	})
	if err != nil {
		return err
	}
	projected, gone, err := s.projections(ctx, tx, full)
	if err != nil {
		return err
	}
	if err := deleteProfiles(ctx, tx, gone); err != nil {
		return err
	}
	rows = append(rows, projected...)
	slices.SortFunc(rows, func(a, b profileRow) int { return cmp.Compare(a.id, b.id) })
	return s.writeProfiles(ctx, tx, rows)
}

// facetColumns are the summary columns SQLite keeps in profile_facets
// (migration 25); the others are in profile_rows.
var facetColumns = map[string]bool{"birth_date": true, "region": true, "district": true, "care_status": true,
	"categories": true, "status": true, "archived_reason": true, "archived_on": true}

// profileHalf is one of a profile's two tables on SQLite, with what
// inserting into it needs: its columns and the positions of their values
// in summaryRow.args (updated_at, last in profile_facets, aside).
type profileHalf struct {
	facets         bool
	cols           []string
	fields         []int
	into, onRepeat string
}

// profileHalves are profile_facets and profile_rows, built once.
var profileHalves = func() []profileHalf {
	var out []profileHalf
	for _, facets := range []bool{true, false} {
		h := profileHalf{facets: facets, cols: []string{"child_id"}}
		table := "profile_rows"
		if facets {
			table = "profile_facets"
		}
		for i, f := range summaryFields {
			if facetColumns[f] == facets {
				h.cols, h.fields = append(h.cols, f), append(h.fields, i)
			}
		}
		if facets {
			h.cols = append(h.cols, "updated_at")
		}
		set := make([]string, len(h.cols)-1)
		for i, c := range h.cols[1:] {
			set[i] = c + " = excluded." + c
		}
		h.into = `INSERT INTO ` + table + ` (` + strings.Join(h.cols, ", ") + `) VALUES `
		h.onRepeat = ` ON CONFLICT (child_id) DO UPDATE SET ` + strings.Join(set, ", ")
		out = append(out, h)
	}
	return out
}()

// insertProfiles writes, on SQLite, new profiles as their two rows, in
// profile_facets and profile_rows.
func (s *Store) insertProfiles(ctx context.Context, tx querier, rows []profileRow, now int64) error {
	for _, h := range profileHalves {
		err := inChunks(len(rows), s.rowsPerWrite(), func(lo, hi int) error {
			args := make([]any, 0, (hi-lo)*len(h.cols))
			for _, r := range rows[lo:hi] {
				all := r.row.args()
				args = append(args, r.id)
				for _, i := range h.fields {
					args = append(args, all[i])
				}
				if h.facets {
					args = append(args, now)
				}
			}
			_, err := tx.ExecContext(ctx, h.into+tuples(hi-lo, len(h.cols))+h.onRepeat, args...)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// onlyGained returns the categories a stored profile gains when they are
// all that changes of it, and 0 otherwise.
func onlyGained(r profileRow) int64 {
	was := *r.stored
	was.categories = r.row.categories
	if was != r.row || r.stored.categories&^r.row.categories != 0 {
		return 0
	}
	return r.row.categories &^ r.stored.categories
}

// gainCategories adds, on SQLite, categories to stored profiles that gain
// nothing else, with a statement for all the children that gain the same
// ones, where there was one a child. Six in seven profile updates only
// add categories, and a batch comes from one participant, whose records
// add its few categories to hundreds of children.
func gainCategories(ctx context.Context, tx querier, gained map[int64][]int64, now int64) error {
	for _, bits := range slices.Sorted(maps.Keys(gained)) {
		ids := gained[bits]
		err := inChunks(len(ids), idsPerQuery, func(lo, hi int) error {
			args, in := padIn(append([]any{bits, now}, int64Args(ids[lo:hi])...), 2)
			_, err := tx.ExecContext(ctx, `UPDATE profile_facets SET categories = categories | $1, updated_at = $2
				WHERE child_id IN (`+in+`)`, args...)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// updateProfile writes, on SQLite, only the columns of a stored profile
// that changed, each in its table: profile_facets always (its updated_at),
// profile_rows only when one of its columns changed. SQLite rewrites the
// entries of every index on a column an UPDATE sets, changed or not: a
// record that adds a category rewrites one small row of profile_facets,
// and no index. PostgreSQL writes the whole row either way, and gains
// more from writing all the profiles in one multi-row statement.
func updateProfile(ctx context.Context, tx querier, r profileRow, now int64) error {
	was, is := r.stored.args(), r.row.args()
	var facetSet, rowSet strings.Builder
	var facetArgs, rowArgs []any
	for i, v := range is {
		if v == was[i] {
			continue
		}
		if facetColumns[summaryFields[i]] {
			facetArgs = append(facetArgs, v)
			fmt.Fprintf(&facetSet, "%s = $%d, ", summaryFields[i], len(facetArgs))
		} else {
			rowArgs = append(rowArgs, v)
			fmt.Fprintf(&rowSet, "%s = $%d, ", summaryFields[i], len(rowArgs))
		}
	}
	if len(rowArgs) > 0 {
		rowArgs = append(rowArgs, r.id)
		set := strings.TrimSuffix(rowSet.String(), ", ")
		if _, err := tx.ExecContext(ctx, `UPDATE profile_rows SET `+set+
			fmt.Sprintf(` WHERE child_id = $%d`, len(rowArgs)), rowArgs...); err != nil {
			return err
		}
	}
	facetArgs = append(facetArgs, now, r.id)
	_, err := tx.ExecContext(ctx, `UPDATE profile_facets SET `+facetSet.String()+
		fmt.Sprintf(`updated_at = $%d WHERE child_id = $%d`, len(facetArgs)-1, len(facetArgs)), facetArgs...)
	return err
}
