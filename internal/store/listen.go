package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listen follows a PostgreSQL notification channel until ctx ends,
// calling fn with each payload. It holds a connection of its own, and
// when the connection breaks it connects again, backing off up to ten
// seconds; after every (re)connection it calls connected, so that the
// caller can catch up on what was announced while it was not listening.
// On SQLite there is nothing to listen to and it returns at once.
func (s *Store) Listen(ctx context.Context, channel string, connected func(), fn func(payload string)) {
	if s.engine != Postgres {
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		if err := s.listenOnce(ctx, channel, connected, fn); err != nil && ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 10*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
	}
}

func (s *Store) listenOnce(ctx context.Context, channel string, connected func(), fn func(string)) error {
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
