package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/scfwca/databank/internal/fault"
)

// Session is a login session, kept on the server: the cookie holds a
// random token, the database only its hash.
type Session struct {
	FIN       string
	Org       string // the organisation the person acts for; "" as a natural person
	CreatedAt time.Time
	LastSeen  time.Time
	Ended     bool
}

// CreateSession records a new session under the hash of its token.
func (s *Store) CreateSession(ctx context.Context, tokenHash, fin, org string) error {
	now := micros(s.now())
	_, err := s.writes.ExecContext(ctx, `INSERT INTO sessions (token_hash, fin, org, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)`,
		tokenHash, fin, org, now)
	return s.classify("store.CreateSession", err)
}

// Session returns the session with a token hash.
func (s *Store) Session(ctx context.Context, tokenHash string) (*Session, error) {
	var ss Session
	var created, seen int64
	var ended sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT fin, org, created_at, last_seen, ended_at FROM sessions WHERE token_hash = $1`, tokenHash).
		Scan(&ss.FIN, &ss.Org, &created, &seen, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.E("store.Session", fault.NotFound, errors.New("no such session"))
	}
	if err != nil {
		return nil, s.classify("store.Session", err)
	}
	ss.CreatedAt, ss.LastSeen, ss.Ended = fromMicros(created), fromMicros(seen), ended.Valid
	return &ss, nil
}

// TouchSession records that a session was used now.
func (s *Store) TouchSession(ctx context.Context, tokenHash string) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2`, micros(s.now()), tokenHash)
	return s.classify("store.TouchSession", err)
}

// EndSession ends a session.
func (s *Store) EndSession(ctx context.Context, tokenHash string) error {
	_, err := s.writes.ExecContext(ctx, `UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL`, micros(s.now()), tokenHash)
	return s.classify("store.EndSession", err)
}
