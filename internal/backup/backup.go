// Package backup makes and restores encrypted backups of the Data Bank
// (§2.1.4–2.1.5, §6.1.6): a consistent snapshot — SQLite's VACUUM INTO
// while the server runs, PostgreSQL's pg_dump — compressed with gzip,
// encrypted with age to the operator's recipients, and kept in a
// directory or in S3-compatible object storage, with retention. After
// every backup it restores the copy into a temporary database and checks
// it: the engine's integrity check, the counts, and the audit chain.
package backup

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/scfwca/databank/internal/store"
)

// Options configure backups.
type Options struct {
	To         string          // file:///DIR or s3://BUCKET/PREFIX
	S3         S3              // object storage access
	Recipients []age.Recipient // who can decrypt: the operator's keys
	// Identities decrypt the copy for the restore check; without them the
	// check is not made (and the run says so).
	Identities []age.Identity
	Keep       int // backups kept; older ones are deleted (0 keeps all)
	Trigger    string
	Now        func() time.Time
	Log        *slog.Logger
}

// Result is what a backup did.
type Result struct {
	URL    string
	Bytes  int64
	SHA256 string
	Before store.Counts // the counts just before the snapshot
	After  store.Counts // the counts of the restored copy
	Check  error        // the restore check's failure, nil when it passed
}

// Run backs the store up, checks the copy, records both in the store and
// returns the result. An error means no backup was made; a failed check
// is in Result.Check, and logged as an error.
func Run(ctx context.Context, st *store.Store, opt Options) (Result, error) {
	var res Result
	if len(opt.Recipients) == 0 {
		return res, errors.New("backup: no recipient to encrypt to (--backup-recipient)")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	target, _, err := Open(opt.To, opt.S3)
	if err != nil {
		return res, err
	}
	if res.Before, err = st.Count(ctx); err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp("", "databank-backup-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	snap, kind, err := snapshot(ctx, st, dir)
	if err != nil {
		return res, err
	}
	name := fmt.Sprintf("databank-%s.%s.gz.age", opt.Now().UTC().Format("20060102T150405.000000Z"), kind)
	sum, n, err := upload(ctx, target, name, snap, opt.Recipients)
	if err != nil {
		return res, err
	}
	res.URL, res.Bytes, res.SHA256 = target.URL(name), n, sum
	if err := retain(ctx, target, opt.Keep); err != nil {
		opt.log().Warn("backup: retention failed", "err", err)
	}
	if len(opt.Identities) == 0 {
		res.Check = errors.New("not checked: no identity to decrypt the copy (--backup-identity)")
	} else {
		res.After, res.Check = Check(ctx, st, target, name, opt.Identities, res.Before)
	}
	detail := "restored, integrity and audit chain verified, counts as before the snapshot or more"
	if res.Check != nil {
		detail = res.Check.Error()
		opt.log().Error("backup: the restore check failed", "url", res.URL, "err", res.Check)
	}
	err = st.RecordBackup(ctx, store.BackupRun{At: opt.Now(), Trigger: opt.Trigger, URL: res.URL, Bytes: res.Bytes,
		SHA256: res.SHA256, OK: res.Check == nil, Detail: detail})
	return res, err
}

func (o Options) log() *slog.Logger {
	if o.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Log
}

// snapshot writes a consistent copy of the database to a file in dir and
// returns it with its kind: "sqlite" or "pgdump".
func snapshot(ctx context.Context, st *store.Store, dir string) (string, string, error) {
	if st.Engine() == store.SQLite {
		p := filepath.Join(dir, "snapshot.db")
		return p, "sqlite", st.SnapshotSQLite(ctx, p)
	}
	p := filepath.Join(dir, "snapshot.pgdump")
	bin, err := pgTool("pg_dump")
	if err != nil {
		return "", "", err
	}
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--file="+p, "--dbname="+st.DSN())
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("pg_dump: %w: %s", err, redact(string(out)))
	}
	return p, "pgdump", nil
}

// upload compresses and encrypts a file to the target and returns the
// SHA-256 and size of what it stored.
func upload(ctx context.Context, t Target, name, file string, to []age.Recipient) (string, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	pr, pw := io.Pipe()
	go func() {
		enc, err := age.Encrypt(pw, to...)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		zw := gzip.NewWriter(enc)
		if _, err := io.Copy(zw, f); err != nil {
			pw.CloseWithError(err)
			return
		}
		if err := zw.Close(); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(enc.Close())
	}()
	h := sha256.New()
	counter := &countingReader{r: io.TeeReader(pr, h)}
	if err := t.Put(ctx, name, counter); err != nil {
		pr.CloseWithError(err)
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), counter.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// retain deletes the oldest backups beyond keep.
func retain(ctx context.Context, t Target, keep int) error {
	if keep <= 0 {
		return nil
	}
	names, err := t.List(ctx)
	if err != nil {
		return err
	}
	for len(names) > keep {
		if err := t.Delete(ctx, names[0]); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}

// Check restores a backup into a temporary database beside the store's
// (a file in the temporary directory for SQLite, a database created on
// the same server for PostgreSQL), then checks the engine's integrity,
// that the counts of facts and audit entries are at least before's (both
// only ever grow), and that the audit chain verifies. It returns the
// restored copy's counts.
func Check(ctx context.Context, st *store.Store, t Target, name string, ids []age.Identity, before store.Counts) (store.Counts, error) {
	var counts store.Counts
	dsn, drop, err := tempDatabase(ctx, st)
	if err != nil {
		return counts, err
	}
	defer drop()
	if err := restore(ctx, t, name, ids, dsn); err != nil {
		return counts, fmt.Errorf("restore: %w", err)
	}
	copy, err := store.Open(dsn, store.Options{MaxConns: 2})
	if err != nil {
		return counts, err
	}
	defer copy.Close()
	if err := copy.CheckSchema(ctx); err != nil {
		return counts, fmt.Errorf("schema: %w", err)
	}
	if err := copy.IntegrityCheck(ctx); err != nil {
		return counts, err
	}
	if counts, err = copy.Count(ctx); err != nil {
		return counts, err
	}
	if counts.Facts < before.Facts || counts.Audit < before.Audit {
		return counts, fmt.Errorf("counts: %d facts and %d audit entries restored, %d and %d before the backup",
			counts.Facts, counts.Audit, before.Facts, before.Audit)
	}
	if _, err := copy.VerifyAudit(ctx); err != nil {
		return counts, fmt.Errorf("audit verify: %w", err)
	}
	return counts, nil
}

// tempDatabase makes an empty database for a restore check and returns
// how to reach it and how to remove it.
func tempDatabase(ctx context.Context, st *store.Store) (string, func(), error) {
	if st.Engine() == store.SQLite {
		dir, err := os.MkdirTemp("", "databank-restorecheck-")
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "check.db"), func() { os.RemoveAll(dir) }, nil
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "databank_restorecheck_" + hex.EncodeToString(b)
	if _, err := st.DB().ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("creating a database for the restore check: %w", err)
	}
	u, err := url.Parse(st.DSN())
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() { st.DB().ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") }, nil
}

// Restore restores a backup, by its URL, into an empty database: a SQLite
// file that does not exist yet (or is empty), or a PostgreSQL database
// with no tables.
func Restore(ctx context.Context, from string, s3 S3, ids []age.Identity, dsn string) error {
	t, name, err := Open(from, s3)
	if err != nil {
		return err
	}
	if name == "" {
		names, err := t.List(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			return fmt.Errorf("backup: no backup at %s", from)
		}
		name = names[len(names)-1] // the latest
	}
	if err := empty(ctx, dsn); err != nil {
		return err
	}
	return restore(ctx, t, name, ids, dsn)
}

// empty refuses a target that holds data.
func empty(ctx context.Context, dsn string) error {
	if !store.IsPostgres(dsn) {
		if fi, err := os.Stat(dsn); err == nil && fi.Size() > 0 {
			return fmt.Errorf("restore: %s exists and is not empty; restore into a new file", dsn)
		}
		return nil
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("restore: the database has %d tables; restore into an empty database", n)
	}
	return nil
}

// restore decrypts and decompresses a backup into dsn.
func restore(ctx context.Context, t Target, name string, ids []age.Identity, dsn string) error {
	rc, err := t.Get(ctx, name)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec, err := age.Decrypt(rc, ids...)
	if err != nil {
		return fmt.Errorf("decrypt: %w", err)
	}
	zr, err := gzip.NewReader(dec)
	if err != nil {
		return fmt.Errorf("decompress: %w", err)
	}
	pgdump := strings.Contains(name, ".pgdump.")
	if pgdump != store.IsPostgres(dsn) {
		return fmt.Errorf("restore: %s is a backup of the other engine", name)
	}
	if !pgdump {
		return writeFile(dsn, zr)
	}
	dir, err := os.MkdirTemp("", "databank-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dump := filepath.Join(dir, "restore.pgdump")
	if err := writeFile(dump, zr); err != nil {
		return err
	}
	bin, err := pgTool("pg_restore")
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "--no-owner", "--exit-on-error", "--dbname="+dsn, dump)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_restore: %w: %s", err, redact(string(out)))
	}
	return nil
}

func writeFile(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pgTool finds a PostgreSQL client program: on the PATH, or in Debian's
// versioned directories.
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("backup: %s is not installed (Debian package postgresql-client)", name)
}

// redact keeps a tool's output free of a connection string's password.
func redact(s string) string {
	if i := strings.Index(s, "postgres://"); i >= 0 {
		if j := strings.IndexByte(s[i:], '@'); j >= 0 {
			return s[:i] + "postgres://…" + s[i+j:]
		}
	}
	return s
}
