package backup

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Target is where backups are kept: a directory, or a bucket of
// S3-compatible object storage (the Government Cloud's).
type Target interface {
	Put(ctx context.Context, name string, r io.Reader) error
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	// List returns the names of the backups kept, in order (oldest first:
	// names carry the time).
	List(ctx context.Context) ([]string, error)
	Delete(ctx context.Context, name string) error
	// URL is where a backup of the target is, for restore --from.
	URL(name string) string
}

// S3 configures the access to object storage.
type S3 struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Region    string
	Insecure  bool // plain HTTP, for a test server on loopback
}

// Open returns the target a URL names: file:///DIR or s3://BUCKET/PREFIX.
// For a URL of one backup (…/databank-….age) it returns the target of its
// directory or prefix and the backup's name.
func Open(raw string, s3 S3) (Target, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", fmt.Errorf("backup: %q is not a URL: %w", raw, err)
	}
	p := u.Path
	name := ""
	if base := path.Base(p); strings.HasPrefix(base, "databank-") && strings.HasSuffix(base, ".age") {
		name, p = base, path.Dir(p)
	}
	switch u.Scheme {
	case "file":
		if err := os.MkdirAll(p, 0o700); err != nil {
			return nil, "", err
		}
		return fileTarget{dir: p}, name, nil
	case "s3":
		if s3.Endpoint == "" {
			return nil, "", fmt.Errorf("backup: an s3:// target needs --s3-endpoint")
		}
		c, err := minio.New(s3.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s3.AccessKey, s3.SecretKey, ""),
			Secure: !s3.Insecure, Region: s3.Region, BucketLookup: minio.BucketLookupPath})
		if err != nil {
			return nil, "", err
		}
		prefix := strings.Trim(p, "/")
		if prefix != "" {
			prefix += "/"
		}
		return &s3Target{c: c, bucket: u.Host, prefix: prefix, unsigned: s3.Insecure}, name, nil
	}
	return nil, "", fmt.Errorf("backup: %q is neither file:///DIR nor s3://BUCKET/PREFIX", raw)
}

type fileTarget struct{ dir string }

func (f fileTarget) Put(_ context.Context, name string, r io.Reader) error {
	tmp, err := os.CreateTemp(f.dir, ".incoming-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(f.dir, name))
}

func (f fileTarget) Get(_ context.Context, name string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(f.dir, filepath.Base(name)))
}

func (f fileTarget) List(context.Context) ([]string, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "databank-") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

func (f fileTarget) Delete(_ context.Context, name string) error {
	return os.Remove(filepath.Join(f.dir, filepath.Base(name)))
}

func (f fileTarget) URL(name string) string { return "file://" + filepath.Join(f.dir, name) }

type s3Target struct {
	c      *minio.Client
	bucket string
	prefix string
	// unsigned sends the body without signing its chunks: over plain
	// HTTP (a test server on loopback) the client would otherwise use
	// the aws-chunked encoding, which not every S3 server speaks; over
	// TLS the body is signed whole.
	unsigned bool
}

func (s *s3Target) Put(ctx context.Context, name string, r io.Reader) error {
	_, err := s.c.PutObject(ctx, s.bucket, s.prefix+name, r, -1, minio.PutObjectOptions{ContentType: "application/octet-stream",
		DisableContentSha256: s.unsigned})
	return err
}

func (s *s3Target) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	o, err := s.c.GetObject(ctx, s.bucket, s.prefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := o.Stat(); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

func (s *s3Target) List(ctx context.Context) ([]string, error) {
	var out []string
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + "databank-", Recursive: true}) {
		if o.Err != nil {
			return nil, o.Err
		}
		out = append(out, strings.TrimPrefix(o.Key, s.prefix))
	}
	sort.Strings(out)
	return out, nil
}

func (s *s3Target) Delete(ctx context.Context, name string) error {
	return s.c.RemoveObject(ctx, s.bucket, s.prefix+name, minio.RemoveObjectOptions{})
}

func (s *s3Target) URL(name string) string { return "s3://" + s.bucket + "/" + s.prefix + name }
