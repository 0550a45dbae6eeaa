// Package store keeps the Data Bank's data in SQLite or PostgreSQL through
// one set of hand-written SQL statements. Its public methods own their
// transactions; what a change needs to be consistent — the fact, the
// profile projection and the audit entry — is written in one of them.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Engine is a database engine the store runs on.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the Data Bank's database.
type Store struct {
	db *sql.DB
	// writes runs the writing transactions: on SQLite one connection of
	// its own (see openSQLite), on PostgreSQL the same pool as db.
	writes *sql.DB
	engine Engine
	now    func() time.Time
	// reads runs the hot reads made outside transactions; on SQLite it
	// keeps their statements prepared.
	reads querier
	cache *cachedDB
	// writeCache keeps the writing connection's statements prepared.
	writeCache *cachedDB
	// stopCheckpoints ends the SQLite checkpoints, which close
	// checkpointsDone when they have.
	stopCheckpoints, checkpointsDone chan struct{}
	// restartFrames is the log's length that starts it over (see
	// checkpoints); tests shorten it.
	restartFrames atomic.Int64
	// wal flushes the SQLite log for the groups of batches, which commit
	// without flushing it (see walSync).
	wal *walSync
	// writer is the writing connection as the groups of batches hold it.
	writer heldWriter
	// recordAtATime turns the set-based path of SubmitEach off, for tests
	// that hold the two paths against each other.
	recordAtATime  bool
	dsn            string
	setBatches     atomic.Int64 // batches the set-based path took, for tests
	groupedBatches atomic.Int64 // batches stored in a group, for tests
	audits         auditGroup   // entries appended on their own, committed together
	batchGroup     batchGroup   // signed batches waiting for the writer, stored together
	parts          participantCache
}

// Options tune how a store is opened.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MaxConns bounds the connection pool; 0 picks a default per engine.
	MaxConns int
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database named by dsn: a postgres:// URL, or the
// path of a SQLite file, created with its directory if missing. It does
// not wait for the database to answer, so that a server can start while
// its database is down: see Ping, Migrate and CheckSchema.
func Open(dsn string, opt Options) (*Store, error) {
	s := &Store{now: opt.Now, dsn: dsn}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if IsPostgres(dsn) {
		s.engine = Postgres
		s.db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fault.E("store.Open", fault.Invalid, err)
		}
		n := opt.MaxConns
		if n == 0 {
			n = 20
		}
		s.db.SetMaxOpenConns(n)
		s.db.SetMaxIdleConns(n)
		s.db.SetConnMaxIdleTime(5 * time.Minute)
		s.writes = s.db
	} else {
		s.engine = SQLite
		s.db, err = openSQLite(dsn, opt.MaxConns)
		if err != nil {
			return nil, err
		}
		if s.writes, err = openSQLite(dsn, 1, "cache_size(-131072)", "wal_autocheckpoint(0)",
			fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit)); err != nil {
			s.db.Close()
			return nil, err
		}
		s.restartFrames.Store(restartFrames)
		s.wal = newWALSync(dsn)
		s.stopCheckpoints = make(chan struct{})
		s.checkpointsDone = make(chan struct{})
		go s.checkpoints()
	}
	s.reads = s.db
	if s.engine == SQLite {
		s.cache = &cachedDB{db: s.db}
		s.writeCache = &cachedDB{db: s.writes}
		s.reads = s.cache
	}
	return s, nil
}

// openSQLite opens a SQLite file with the settings that keep every
// committed transaction through a crash of the process or the machine:
//
//   - journal_mode=WAL: readers never block the writer, and a commit is
//     one append to the write-ahead log;
//   - synchronous=FULL: the log is fsync'ed at every commit, so a commit
//     that returned survives even a power loss (NORMAL would survive a
//     killed process but could lose the last commits on power loss); a
//     group of batches commits under NORMAL and is flushed beside the
//     writer before anyone is answered (see walSync);
//   - _txlock=immediate: a writing transaction takes the write lock when it
//     begins, so two writers never deadlock upgrading read locks, and
//     busy_timeout lets it wait its turn instead of failing;
//   - foreign_keys=ON: the schema's references are enforced as on
//     PostgreSQL.
//
// The store opens the file twice: a pool of connections for reading, and
// one connection for the writing transactions. SQLite has one writer at a
// time anyway, and a connection's page cache is dropped whenever another
// connection has written since its last transaction: writes taking turns
// over a pool each started from a cold cache, re-reading the indexes'
// pages from the file (a quarter of an ingestion's CPU at 50,000
// children). On its own connection the writer's cache stays warm, and
// writers wait their turn in the pool's queue instead of polling the lock.
// The writer's cache is large (128 MiB) and lasts; a reader's is small
// (2 MiB, SQLite's default): SQLite drops a reader's cache at its next
// transaction whenever anything was written meanwhile, which under a
// registry's steady writes (an audit entry for every read) is nearly
// always, so a reader's pages live for one transaction. A large reader
// cache only made the drop dear: the pages a big query had cached (a scan
// for a report, a search) were freed one by one, each freed page past the
// allocator's first 4 MiB costing a madvise system call, and a request
// that met such a cache at its first statement waited for thousands of
// them. The writer's cache is only dropped when another connection writes,
// which nothing does. It does not checkpoint the log into the database
// file as it commits: Store.checkpoints does that in the background, off
// the write lock's path.
func openSQLite(path string, maxConns int, pragmas ...string) (*sql.DB, error) {
	if path == "" {
		return nil, fault.E("store.Open", fault.Invalid, "no database file given")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fault.E("store.Open", err)
		}
	}
	q := url.Values{}
	if len(pragmas) == 0 {
		pragmas = []string{"cache_size(-2048)"}
	}
	for _, p := range append([]string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "busy_timeout(10000)"}, pragmas...) {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fault.E("store.Open", fault.Invalid, err)
	}
	if maxConns == 0 {
		maxConns = 8
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	return db, nil
}

// Engine returns the engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// DB returns the underlying database handle, for tools that measure the
// engine itself next to the store.
func (s *Store) DB() *sql.DB { return s.db }

// checkpointInterval is how often the SQLite write-ahead log is copied
// into the database file. A page written again within the interval is
// copied once: ingesting 100,000 children, the checkpoints took 11 s
// every second against 27 s every 200 ms.
const checkpointInterval = time.Second

// restartFrames is how long the log may grow (in pages: 256 MiB) before
// the checkpoint's second step takes the writing connection to let it
// start over. The step copies the pages written since the first step
// began, a batch or two under ingestion, with the writer kept waiting; at
// SQLite's own threshold of 1,000 pages it ran after every batch and took
// a fifth of the writer's time at 100,000 children. A log that no writer
// keeps busy starts over by itself, once copied whole.
const restartFrames = 65536

// journalSizeLimit is the size the log file is cut back to when it starts
// over. Above restartFrames' 256 MiB, so that a log kept in bounds is
// never cut: the cut is made by the first commit after the start, and
// freeing a couple of hundred megabytes of file took that commit 50 ms,
// an audited read waiting on it. (At 64 MiB every start cut the file, and
// the stalls were most of the reads' 99th percentile.) Only a log that a
// long reader let grow further is cut, once.
const journalSizeLimit = 512 << 20

// checkpoints copies the SQLite write-ahead log into the database file
// every checkpointInterval, in two steps. First on a reading connection,
// beside the writer: a PASSIVE checkpoint waits for no one and blocks no
// one, and copies most of the log. Then on the writing connection, between
// two writing transactions, once the log is restartFrames long, the few
// pages written meanwhile: the log is then copied whole, and the next
// transaction starts it over from its beginning. (Without the second step, a writer that never pauses keeps
// the log a few pages ahead of every checkpoint, and it grows without end.)
func (s *Store) checkpoints() {
	defer close(s.checkpointsDone)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stopCheckpoints:
			return
		case <-t.C:
		}
		// A failure (a database file gone, a disk full) is for the
		// writes to report; the next tick tries again.
		var busy, frames, copied int
		if s.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied) == nil && int64(frames) >= s.restartFrames.Load() {
			_ = s.writes.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
		}
	}
}

// Close closes the database.
func (s *Store) Close() error {
	if s.stopCheckpoints != nil {
		close(s.stopCheckpoints)
		<-s.checkpointsDone
	}
	s.releaseWriter(false)
	if s.cache != nil {
		s.cache.close()
		s.writeCache.close()
	}
	if s.writes != s.db {
		s.writes.Close()
	}
	return s.db.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return s.classify("store.Ping", err)
	}
	return nil
}

var (
	msgUnavailable = i18n.T("Məlumat bazası hazırda əlçatan deyil; bir az sonra yenidən cəhd edin",
		"The database is unavailable at the moment; try again shortly",
		"База данных сейчас недоступна; повторите попытку позже")
	msgCorrupt = i18n.T("Məlumat bazası faylı zədələnib və ya Məlumat Bankına aid deyil",
		"The database file is corrupt or is not a Data Bank database",
		"Файл базы данных повреждён или не является базой Банка данных")
)

// classify gives a database error its kind: a database that cannot be
// reached is Unavailable, a corrupt file is Other with a message that says
// so, a constraint violation is Conflict.
func (s *Store) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fault.E(op, fault.Unavailable, err, msgUnavailable)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return fault.E(op, fault.Other, err, msgCorrupt)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL:
			return fault.E(op, fault.Unavailable, err, msgUnavailable)
		case sqlite3.SQLITE_CONSTRAINT:
			return fault.E(op, fault.Conflict, err)
		}
		return fault.E(op, err)
	}
	if code, ok := pgCode(err); ok {
		switch {
		case strings.HasPrefix(code, "23"): // integrity constraint violation
			return fault.E(op, fault.Conflict, err)
		case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "57"), strings.HasPrefix(code, "53"), code == "25006":
			// connection exception, operator intervention (shutdown,
			// recovery), insufficient resources, read-only transaction
			// (a standby after failover)
			return fault.E(op, fault.Unavailable, err, msgUnavailable)
		}
		return fault.E(op, err)
	}
	if isConnError(err) {
		return fault.E(op, fault.Unavailable, err, msgUnavailable)
	}
	return fault.E(op, err)
}

// tx runs fn in a transaction, committing if it returns nil. A read-only
// transaction does not take SQLite's write lock.
func (s *Store) tx(ctx context.Context, op string, readOnly bool, fn func(*sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: readOnly}
	if readOnly && s.engine == Postgres {
		// A read-only transaction reads one snapshot, as SQLite's do: at
		// PostgreSQL's default level each statement would see its own,
		// and a reader of several tables (the audit chain and its head, a
		// child and its facts) could see a write half done.
		opts.Isolation = sql.LevelRepeatableRead
	}
	db := s.writes
	if readOnly {
		db = s.db
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.classify(op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.failed(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.classify(op, err)
	}
	return nil
}

// failed is the error of a transaction whose function returned err: a
// fault it gave stands, anything else is classified.
func (s *Store) failed(op string, err error) error {
	if _, ok := err.(*fault.Error); ok {
		return err
	}
	return s.classify(op, err)
}

// micros returns t as microseconds since the Unix epoch, the form times
// are stored in on both engines.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
