package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
)

// Person is a person's e-cabinet.
type Person struct {
	FIN             string    `json:"fin"`
	Name            string    `json:"name"`
	CreatedAt       time.Time `json:"created_at"`
	Suspended       bool      `json:"suspended"`
	SuspendedReason string    `json:"suspended_reason,omitempty"`
}

// StaffRole is a person's role in an organisation.
type StaffRole struct {
	Org  string      `json:"org"`
	Role access.Role `json:"role"`
}

// Login records a person's login: the e-cabinet is created at the first
// one, and every login is audited. It returns the cabinet and whether it
// was created now.
func (s *Store) Login(ctx context.Context, fin, name string, actor audit.Actor) (*Person, bool, error) {
	var p *Person
	created := false
	err := s.tx(ctx, "store.Login", false, func(tx *sql.Tx) error {
		now := micros(s.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO persons (fin, name, created_at, last_login) VALUES ($1, $2, $3, $3)
			ON CONFLICT (fin) DO NOTHING`, fin, name, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
		} else if _, err := tx.ExecContext(ctx, `UPDATE persons SET last_login = $1, name = $2 WHERE fin = $3`, now, name, fin); err != nil {
			return err
		}
		if p, err = person(ctx, tx, fin); err != nil {
			return err
		}
		outcome := "login"
		if created {
			outcome = "login, e-cabinet created"
		}
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "person.login", Outcome: outcome})
	})
	return p, created, err
}

// Person returns a person's e-cabinet.
func (s *Store) Person(ctx context.Context, fin string) (*Person, error) {
	p, err := person(ctx, s.db, fin)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.Person", fault.NotFound, fmt.Errorf("no e-cabinet for this FIN"))
	}
	return p, s.classify("store.Person", err)
}

func person(ctx context.Context, q querier, fin string) (*Person, error) {
	p := Person{FIN: fin}
	var created int64
	var suspended int
	err := q.QueryRowContext(ctx, `SELECT name, created_at, suspended, suspended_reason FROM persons WHERE fin = $1`, fin).
		Scan(&p.Name, &created, &suspended, &p.SuspendedReason)
	if err != nil {
		return nil, err
	}
	p.CreatedAt, p.Suspended = fromMicros(created), suspended == 1
	return &p, nil
}

// SuspendPerson restricts or restores a person's access, effective at the
// person's next request (§6.2.6); the change and its reason are audited.
func (s *Store) SuspendPerson(ctx context.Context, fin string, suspend bool, reason string, actor audit.Actor) error {
	if reason == "" {
		return fault.E("store.SuspendPerson", fault.Invalid, errors.New("a reason is required"))
	}
	return s.tx(ctx, "store.SuspendPerson", false, func(tx *sql.Tx) error {
		flag := 0
		if suspend {
			flag = 1
		}
		res, err := tx.ExecContext(ctx, `UPDATE persons SET suspended = $1, suspended_reason = $2 WHERE fin = $3`, flag, reason, fin)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.E("store.SuspendPerson", fault.NotFound, errors.New("no e-cabinet for this FIN"))
		}
		detail, _ := json.Marshal(map[string]any{"fin": fin, "suspended": suspend, "reason": reason})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "person.access", Outcome: "done", Detail: string(detail)})
	})
}

// RegisterStaff registers a person, by FIN, as acting for an organisation
// in a role; the registration is audited.
func (s *Store) RegisterStaff(ctx context.Context, org, fin string, role access.Role, actor audit.Actor) error {
	return s.tx(ctx, "store.RegisterStaff", false, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO staff (org, fin, role, registered_by, registered_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org, fin) DO UPDATE SET role = excluded.role, registered_by = excluded.registered_by,
			registered_at = excluded.registered_at`, org, fin, string(role), actor.ID, micros(s.now()))
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]string{"org": org, "fin": fin, "role": string(role)})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "staff.register", Outcome: "done", Detail: string(detail)})
	})
}

// RemoveStaff withdraws a person's registration and grants in an
// organisation; audited.
func (s *Store) RemoveStaff(ctx context.Context, org, fin string, actor audit.Actor) error {
	return s.tx(ctx, "store.RemoveStaff", false, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM grants WHERE org = $1 AND fin = $2`, `DELETE FROM staff WHERE org = $1 AND fin = $2`} {
			if _, err := tx.ExecContext(ctx, q, org, fin); err != nil {
				return err
			}
		}
		detail, _ := json.Marshal(map[string]string{"org": org, "fin": fin})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "staff.remove", Outcome: "done", Detail: string(detail)})
	})
}

// StaffRoles returns the organisations a person acts for, with the role.
func (s *Store) StaffRoles(ctx context.Context, fin string) ([]StaffRole, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org, role FROM staff WHERE fin = $1 ORDER BY org`, fin)
	if err != nil {
		return nil, s.classify("store.StaffRoles", err)
	}
	defer rows.Close()
	out := []StaffRole{}
	for rows.Next() {
		var r StaffRole
		if err := rows.Scan(&r.Org, &r.Role); err != nil {
			return nil, s.classify("store.StaffRoles", err)
		}
		out = append(out, r)
	}
	return out, s.classify("store.StaffRoles", rows.Err())
}

// Grant gives a person of an organisation a right; audited.
func (s *Store) Grant(ctx context.Context, org, fin string, g access.Grant, actor audit.Actor) error {
	return s.tx(ctx, "store.Grant", false, func(tx *sql.Tx) error {
		var role string
		err := tx.QueryRowContext(ctx, `SELECT role FROM staff WHERE org = $1 AND fin = $2`, org, fin).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.E("store.Grant", fault.NotFound, errors.New("the person is not registered with the organisation"))
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO grants (org, fin, category, can_read, can_write, region, district, until, granted_by, granted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, org, fin, g.Category, boolInt(g.Read), boolInt(g.Write),
			g.Region, g.District, g.Until.String(), actor.ID, micros(s.now()))
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"org": org, "fin": fin, "grant": g})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "staff.grant", Outcome: "done", Detail: string(detail)})
	})
}

// RevokeGrants withdraws a person's grants of a category in an
// organisation; audited.
func (s *Store) RevokeGrants(ctx context.Context, org, fin, cat string, actor audit.Actor) error {
	return s.tx(ctx, "store.RevokeGrants", false, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM grants WHERE org = $1 AND fin = $2 AND category = $3`, org, fin, cat); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]string{"org": org, "fin": fin, "category": cat})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "staff.revoke", Outcome: "done", Detail: string(detail)})
	})
}

// Grants returns a person's grants in an organisation.
func (s *Store) Grants(ctx context.Context, org, fin string) ([]access.Grant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT category, can_read, can_write, region, district, until FROM grants
		WHERE org = $1 AND fin = $2 ORDER BY id`, org, fin)
	if err != nil {
		return nil, s.classify("store.Grants", err)
	}
	defer rows.Close()
	out := []access.Grant{}
	for rows.Next() {
		var g access.Grant
		var r, w int
		var until string
		if err := rows.Scan(&g.Category, &r, &w, &g.Region, &g.District, &until); err != nil {
			return nil, s.classify("store.Grants", err)
		}
		g.Read, g.Write = r == 1, w == 1
		if until != "" {
			g.Until, _ = category.ParseDate(until)
		}
		out = append(out, g)
	}
	return out, s.classify("store.Grants", rows.Err())
}

// ChildrenOf lists the children whose profile names fin as father or
// mother.
func (s *Store) ChildrenOf(ctx context.Context, fin string) ([]Match, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT child_id, fin, given_name, family_name, patronymic, birth_date, district, status
		FROM profiles WHERE ((father_fin = $1 AND father_fin <> '') OR (mother_fin = $1 AND mother_fin <> '')) AND status <> 'archived' ORDER BY birth_date`, fin)
	if err != nil {
		return nil, s.classify("store.ChildrenOf", err)
	}
	defer rows.Close()
	out := []Match{}
	for rows.Next() {
		var m Match
		if err := rows.Scan(&m.ChildID, &m.FIN, &m.Name.Given, &m.Name.Family, &m.Name.Patronymic, &m.BirthDate, &m.District, &m.Status); err != nil {
			return nil, s.classify("store.ChildrenOf", err)
		}
		out = append(out, m)
	}
	return out, s.classify("store.ChildrenOf", rows.Err())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// StaffMember is a person registered with an organisation.
type StaffMember struct {
	FIN  string      `json:"fin"`
	Name string      `json:"name"`
	Role access.Role `json:"role"`
}

// Staff lists the people registered with an organisation, with their
// names where they have logged in.
func (s *Store) Staff(ctx context.Context, org string) ([]StaffMember, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.fin, COALESCE(p.name, ''), s.role FROM staff s LEFT JOIN persons p ON p.fin = s.fin
		WHERE s.org = $1 ORDER BY s.role, s.fin`, org)
	if err != nil {
		return nil, s.classify("store.Staff", err)
	}
	defer rows.Close()
	out := []StaffMember{}
	for rows.Next() {
		var m StaffMember
		if err := rows.Scan(&m.FIN, &m.Name, &m.Role); err != nil {
			return nil, s.classify("store.Staff", err)
		}
		out = append(out, m)
	}
	return out, s.classify("store.Staff", rows.Err())
}
