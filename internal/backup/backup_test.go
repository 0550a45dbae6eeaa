package backup_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/backup"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/profile"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

var ctx = context.Background()

// fill stores n records about n children.
func fill(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for i := range n {
		payload := fmt.Sprintf(`{"clinic":"Clinic %d"}`, i)
		sum := sha256.Sum256([]byte(payload))
		if _, err := st.Submit(ctx, store.Submission{Keys: []profile.Key{{Kind: profile.KeyFIN, Value: fmt.Sprintf("7ZZ%04d", i)}},
			Fact: profile.Fact{Category: "medical_registration", Sender: "health", SourceID: fmt.Sprint("mr-", i), Action: profile.Upsert,
				EffectiveDate: category.MustDate("2024-01-01"), ReceivedAt: time.Now(), Payload: []byte(payload), ContentHash: hex.EncodeToString(sum[:])},
			Actor: audit.SystemActor("test"), Detail: "{}"}); err != nil {
			t.Fatal(err)
		}
	}
}

func keys(t *testing.T) ([]age.Recipient, []age.Identity) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return []age.Recipient{id.Recipient()}, []age.Identity{id}
}

// s3Server starts a real S3-protocol server on loopback with a bucket.
func s3Server(t *testing.T) backup.S3 {
	t.Helper()
	ts := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	s3 := backup.S3{Endpoint: u.Host, AccessKey: "test", SecretKey: "testsecret", Region: "us-east-1", Insecure: true}
	c, err := minio.New(s3.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s3.AccessKey, s3.SecretKey, ""), Region: s3.Region,
		BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(ctx, "gov-cloud", minio.MakeBucketOptions{Region: s3.Region}); err != nil {
		t.Fatal(err)
	}
	return s3
}

// TestBackupToS3RestoreAndCheck backs a store up three times to an S3
// server on loopback, keeping two; each copy is restored and checked;
// the latest restores into an empty database with every record, and the
// audit chain verifies; a tampered copy fails the check.
func TestBackupToS3RestoreAndCheck(t *testing.T) {
	s3 := s3Server(t)
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			if e == store.Postgres {
				if _, err := os.Stat("/usr/bin/pg_dump"); err != nil {
					if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump"); len(m) == 0 {
						t.Skip("pg_dump is not installed")
					}
				}
			}
			st := storetest.Open(t, e, nil)
			fill(t, st, 30)
			to, ids := keys(t)
			prefix := "s3://gov-cloud/databank-" + string(e)
			opt := backup.Options{To: prefix, S3: s3, Recipients: to, Identities: ids, Keep: 2, Trigger: "test"}
			var last backup.Result
			for i := range 3 {
				fill(t, st, 1+i) // more records each time (the same ones again change nothing)
				res, err := backup.Run(ctx, st, opt)
				if err != nil {
					t.Fatal(err)
				}
				if res.Check != nil || res.After.Facts < res.Before.Facts || res.Bytes == 0 || res.SHA256 == "" {
					t.Fatalf("backup %d: %+v", i, res)
				}
				last = res
				time.Sleep(2 * time.Millisecond)
			}
			target, _, _ := backup.Open(prefix, s3)
			names, _ := target.List(ctx)
			if len(names) != 2 || !strings.HasSuffix(last.URL, names[1]) {
				t.Errorf("kept %v; want the two latest", names)
			}
			runs, _ := st.BackupRuns(ctx, 10)
			if len(runs) != 3 || !runs[0].OK {
				t.Errorf("runs = %+v", runs)
			}
			// Restore the latest into an empty database.
			dsn := storetest.DSN(t, e)
			if err := backup.Restore(ctx, prefix, s3, ids, dsn); err != nil {
				t.Fatal(err)
			}
			restored, err := store.Open(dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer restored.Close()
			n, _ := restored.Count(ctx)
			if n.Facts != last.Before.Facts || n.Children != last.Before.Children {
				t.Errorf("restored %+v; the backup had %+v", n, last.Before)
			}
			if _, err := restored.VerifyAudit(ctx); err != nil {
				t.Error(err)
			}
			// Into a database that holds data: refused.
			if err := backup.Restore(ctx, prefix, s3, ids, dsn); err == nil {
				t.Error("a restore over a database with data")
			}
			// Without the right key the copy does not open.
			_, others := keys(t)
			if err := backup.Restore(ctx, last.URL, s3, others, storetest.DSN(t, e)); err == nil {
				t.Error("a restore with the wrong key")
			}
			// A tampered copy fails the check.
			name := names[1]
			rc, _ := target.Get(ctx, name)
			buf := make([]byte, last.Bytes)
			rc.Read(buf)
			rc.Close()
			buf[len(buf)/2] ^= 0xff
			target.Put(ctx, name, strings.NewReader(string(buf)))
			if _, err := backup.Check(ctx, st, target, name, ids, last.Before); err == nil {
				t.Error("a tampered copy passed the check")
			}
		})
	}
}

// TestBackupToADirectory is the single-machine install: file:///DIR.
func TestBackupToADirectory(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	fill(t, st, 5)
	to, ids := keys(t)
	dir := t.TempDir()
	res, err := backup.Run(ctx, st, backup.Options{To: "file://" + dir, Recipients: to, Identities: ids, Trigger: "test"})
	if err != nil || res.Check != nil {
		t.Fatalf("%+v, %v", res, err)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 || !strings.HasSuffix(files[0].Name(), ".sqlite.gz.age") {
		t.Errorf("files = %v", files)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, files[0].Name()))
	if strings.Contains(string(raw), "Clinic") || !strings.HasPrefix(string(raw), "age-encryption.org/v1") {
		t.Error("the backup is not encrypted")
	}
	// Without an identity the check is not made, and the run says so.
	res, err = backup.Run(ctx, st, backup.Options{To: "file://" + dir, Recipients: to, Trigger: "test"})
	if err != nil || res.Check == nil {
		t.Errorf("an unchecked backup reported as checked: %+v, %v", res, err)
	}
}

// TestUnreachableTarget: a target that does not answer, or a bucket that
// is not there, is a clear error; nothing is recorded as backed up.
func TestUnreachableTarget(t *testing.T) {
	st := storetest.Open(t, store.SQLite, nil)
	fill(t, st, 3)
	to, ids := keys(t)
	s3 := s3Server(t)
	for _, c := range []struct {
		name string
		s3   backup.S3
		to   string
	}{
		{"nobody listening", backup.S3{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "b", Insecure: true}, "s3://gov-cloud/x"},
		{"no such bucket", s3, "s3://no-such-bucket/x"},
		{"not a target", s3, "ftp://host/dir"},
	} {
		_, err := backup.Run(ctx, st, backup.Options{To: c.to, S3: c.s3, Recipients: to, Identities: ids})
		if err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if runs, _ := st.BackupRuns(ctx, 10); len(runs) != 0 {
		t.Errorf("failed backups recorded as runs: %+v", runs)
	}
}
