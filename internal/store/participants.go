package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
)

// SeedParticipants adds the participants that do not exist yet, with their
// rights. Existing participants, and the rights the operator gave them,
// are left as they are.
func (s *Store) SeedParticipants(ctx context.Context, ps []participant.Participant) error {
	defer s.parts.changed()
	return s.tx(ctx, "store.SeedParticipants", false, func(tx *sql.Tx) error {
		for _, p := range ps {
			res, err := tx.ExecContext(ctx, `INSERT INTO participants (code, kind, name_az, name_en, name_ru, voen, district, active, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT (code) DO NOTHING`,
				p.Code, p.Kind, p.Name.AZ, p.Name.EN, p.Name.RU, p.VOEN, p.District, micros(s.now()))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := setRights(ctx, tx, p.Code, "send", p.Send); err != nil {
				return err
			}
			if err := setRights(ctx, tx, p.Code, "read", p.Read); err != nil {
				return err
			}
		}
		return nil
	})
}

func setRights(ctx context.Context, tx *sql.Tx, code, access string, cats []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM participant_rights WHERE participant = $1 AND access = $2`, code, access); err != nil {
		return err
	}
	for _, c := range cats {
		if _, err := tx.ExecContext(ctx, `INSERT INTO participant_rights (participant, category, access) VALUES ($1, $2, $3)`,
			code, c, access); err != nil {
			return err
		}
	}
	return nil
}

// SetRights replaces what a participant may send or read (access "send" or
// "read"); the change is audited.
func (s *Store) SetRights(ctx context.Context, code, access string, cats []string, actor audit.Actor) error {
	if access != "send" && access != "read" {
		return fault.E("store.SetRights", fault.Invalid, fmt.Errorf("access %q is neither send nor read", access))
	}
	defer s.parts.changed()
	return s.tx(ctx, "store.SetRights", false, func(tx *sql.Tx) error {
		if _, err := participantByCode(ctx, tx, code); err != nil {
			return err
		}
		if err := setRights(ctx, tx, code, access, cats); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"participant": code, "access": access, "categories": cats})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "participant.rights", Outcome: "done", Detail: string(detail)})
	})
}

// Participants lists every participant with its rights, by code.
func (s *Store) Participants(ctx context.Context) ([]participant.Participant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code FROM participants ORDER BY code`)
	if err != nil {
		return nil, s.classify("store.Participants", err)
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, s.classify("store.Participants", err)
		}
		codes = append(codes, c)
	}
	rows.Close()
	out := make([]participant.Participant, 0, len(codes))
	for _, c := range codes {
		p, err := s.Participant(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// Participant returns one participant with its rights.
//
// A participant is taken from memory for up to participantTTL after it
// was read (see participantCache).
func (s *Store) Participant(ctx context.Context, code string) (*participant.Participant, error) {
	if p, ok := s.parts.participant(code); ok {
		return p, nil
	}
	gen, at := s.parts.generation(), time.Now()
	p, err := participantByCode(ctx, s.reads, code)
	if err != nil {
		if _, ok := err.(*fault.Error); ok {
			return nil, err
		}
		return nil, s.classify("store.Participant", err)
	}
	s.parts.putParticipant(gen, p, at)
	return p, nil
}

func participantByCode(ctx context.Context, q querier, code string) (*participant.Participant, error) {
	p := participant.Participant{Code: code, Send: []string{}, Read: []string{}}
	var active int
	err := q.QueryRowContext(ctx, `SELECT kind, name_az, name_en, name_ru, voen, district, active FROM participants WHERE code = $1`, code).
		Scan(&p.Kind, &p.Name.AZ, &p.Name.EN, &p.Name.RU, &p.VOEN, &p.District, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.Participant", fault.NotFound, fmt.Errorf("no participant %q", code),
			i18n.T("Belə iştirakçı yoxdur", "There is no such participant", "Такого участника нет"))
	}
	if err != nil {
		return nil, err
	}
	p.Active = active == 1
	rows, err := q.QueryContext(ctx, `SELECT access, category FROM participant_rights WHERE participant = $1`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var access, cat string
		if err := rows.Scan(&access, &cat); err != nil {
			return nil, err
		}
		if access == "send" {
			p.Send = append(p.Send, cat)
		} else {
			p.Read = append(p.Read, cat)
		}
	}
	slices.Sort(p.Send)
	slices.Sort(p.Read)
	return &p, rows.Err()
}

// Bind makes a certificate subject speak for a participant, replacing any
// earlier binding of the subject; the change is audited.
func (s *Store) Bind(ctx context.Context, subject, fingerprint, code string, actor audit.Actor) error {
	defer s.parts.changed()
	return s.tx(ctx, "store.Bind", false, func(tx *sql.Tx) error {
		if _, err := participantByCode(ctx, tx, code); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO certificate_bindings (subject, participant, fingerprint, bound_at, bound_by)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subject) DO UPDATE SET participant = excluded.participant,
			fingerprint = excluded.fingerprint, bound_at = excluded.bound_at, bound_by = excluded.bound_by`,
			subject, code, fingerprint, micros(s.now()), actor.ID)
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]string{"participant": code, "subject": subject, "fingerprint": fingerprint})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "participant.bind", Outcome: "done", Detail: string(detail)})
	})
}

// Binding is a certificate subject bound to a participant.
type Binding struct {
	Subject     string `json:"subject"`
	Participant string `json:"participant"`
	Fingerprint string `json:"fingerprint"`
}

// Bindings lists the certificate bindings.
func (s *Store) Bindings(ctx context.Context) ([]Binding, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT subject, participant, fingerprint FROM certificate_bindings ORDER BY participant, subject`)
	if err != nil {
		return nil, s.classify("store.Bindings", err)
	}
	defer rows.Close()
	var out []Binding
	for rows.Next() {
		var b Binding
		if err := rows.Scan(&b.Subject, &b.Participant, &b.Fingerprint); err != nil {
			return nil, s.classify("store.Bindings", err)
		}
		out = append(out, b)
	}
	return out, s.classify("store.Bindings", rows.Err())
}

// ParticipantBySubject returns the participant a certificate subject
// speaks for, suspended or not: the caller decides what a suspension
// refuses.
func (s *Store) ParticipantBySubject(ctx context.Context, subject string) (*participant.Participant, error) {
	code, ok := s.parts.binding(subject)
	if !ok {
		gen, at := s.parts.generation(), time.Now()
		err := s.reads.QueryRowContext(ctx, `SELECT participant FROM certificate_bindings WHERE subject = $1`, subject).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fault.E("store.ParticipantBySubject", fault.NotFound, fmt.Errorf("no participant bound to %q", subject))
		}
		if err != nil {
			return nil, s.classify("store.ParticipantBySubject", err)
		}
		s.parts.putBinding(gen, subject, code, at)
	}
	return s.Participant(ctx, code)
}

// SetActive suspends or restores a participant's access, effective on its
// next request to this store's server, and within participantTTL on a
// server running in another process; the change and its reason are
// audited (§6.2.6).
func (s *Store) SetActive(ctx context.Context, code string, active bool, reason string, actor audit.Actor) error {
	if reason == "" {
		return fault.E("store.SetActive", fault.Invalid, errors.New("a reason is required"))
	}
	defer s.parts.changed()
	return s.tx(ctx, "store.SetActive", false, func(tx *sql.Tx) error {
		if _, err := participantByCode(ctx, tx, code); err != nil {
			return err
		}
		flag := 0
		if active {
			flag = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET active = $1 WHERE code = $2`, flag, code); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"participant": code, "active": active, "reason": reason})
		return s.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "participant.access", Outcome: "done", Detail: string(detail)})
	})
}
