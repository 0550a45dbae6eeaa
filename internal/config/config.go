// Package config holds the Data Bank's configuration: one struct, filled
// from flags and DATABANK_* environment variables (secrets also from a
// file named by *_FILE), and redacted whenever it is printed.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultDB is the embedded SQLite database used when none is given.
const DefaultDB = "./data/databank.db"

// Config is every setting of the server and the commands.
type Config struct {
	// DB is a SQLite file path or a postgres:// URL (a secret: it may
	// hold a password).
	DB string
	// Addr is the listen address of the server.
	Addr string
	// NoMigrate stops serve from applying migrations at start.
	NoMigrate bool
	// Demo loads a synthetic population on first start.
	Demo bool
	// DemoChildren is how many children the demo loads.
	DemoChildren int
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// AuditKey is the PEM file of the key that signs audit checkpoints
	// (created when missing); keep it off the database's machine.
	AuditKey string

	// ExchangeAddr is the listen address of the exchange API; "" turns it
	// off.
	ExchangeAddr string
	// TLSCert and TLSKey are the exchange's server certificate and key.
	TLSCert, TLSKey string
	// TrustAnchors is a PEM file of the national root certificates that
	// client certificates and signatures must chain to.
	TrustAnchors string
	// CRLs are certificate revocation lists (PEM or DER files).
	CRLs []string
	// ExchangeInsecure runs the exchange without TLS, on loopback only,
	// for the demo: participants name themselves in a header.
	ExchangeInsecure bool

	// PublicURL is where browsers reach the server; the login callback is
	// under it. http://ADDR when empty.
	PublicURL string
	// OIDCIssuer, OIDCClientID, OIDCClientSecret and OIDCFINClaim
	// configure the single sign-on; with no issuer, the built-in
	// development identity provider serves at /dev-idp.
	OIDCIssuer, OIDCClientID, OIDCClientSecret, OIDCFINClaim string
	// Production refuses what only development may use: the built-in
	// identity provider, the insecure exchange.
	Production bool
	// Env is the environment: development, staging (pre-production, §2.9:
	// synthetic data only, a banner on every page, its own keys) or
	// production. A database belongs to the environment that first served
	// it.
	Env string
	// AccessLogDelay is how long a read a law-enforcement body marked
	// restricted stays out of the parents' access log.
	AccessLogDelay time.Duration
	// SMTPAddr, SMTPFrom, SMTPUser and SMTPPassword configure the e-mail
	// notices; with no address they wait in the outbox.
	SMTPAddr, SMTPFrom, SMTPUser, SMTPPassword string
	Backup                                     Backup
	// IncidentWebhook receives every new incident as JSON.
	IncidentWebhook string
	// PortalURL is the e-government portal every page links to (§3.2.4).
	PortalURL string
}

// Backup configures backups: where to (file:///DIR or s3://BUCKET/PREFIX),
// how often the server makes one (0: never; `databank backup` does it by
// hand), how many to keep, the age recipients that can decrypt them, the
// age identity file that decrypts them for the restore check and for
// restore, and the object storage's access.
type Backup struct {
	To                   string
	Every                time.Duration
	Keep                 int
	Recipients, Identity string
	S3Endpoint, S3Region string
	S3AccessKey          string
	S3SecretKey          string
	S3Insecure           bool
}

// BackupFlags registers the backup settings on fs.
func (c *Config) BackupFlags(fs *flag.FlagSet, env Env) {
	b := &c.Backup
	fs.StringVar(&b.To, "backup-to", envOr(env, "DATABANK_BACKUP_TO", ""), "where backups go: file:///DIR or s3://BUCKET/PREFIX (env DATABANK_BACKUP_TO)")
	fs.DurationVar(&b.Every, "backup-every", envDuration(env, "DATABANK_BACKUP_EVERY", 0), "the server backs up this often; 0 never (env DATABANK_BACKUP_EVERY)")
	fs.IntVar(&b.Keep, "backup-keep", 14, "backups kept; older ones are deleted")
	fs.StringVar(&b.Recipients, "backup-recipient", envOr(env, "DATABANK_BACKUP_RECIPIENT", ""), "age `recipients` (age1…, comma-separated) backups are encrypted to (env DATABANK_BACKUP_RECIPIENT)")
	fs.StringVar(&b.Identity, "backup-identity", envOr(env, "DATABANK_BACKUP_IDENTITY", ""), "age identity `file` that decrypts backups, for the restore check and restore (env DATABANK_BACKUP_IDENTITY)")
	fs.StringVar(&b.S3Endpoint, "s3-endpoint", envOr(env, "DATABANK_S3_ENDPOINT", ""), "object storage `host:port` (env DATABANK_S3_ENDPOINT)")
	fs.StringVar(&b.S3Region, "s3-region", envOr(env, "DATABANK_S3_REGION", "us-east-1"), "object storage region (env DATABANK_S3_REGION)")
	fs.StringVar(&b.S3AccessKey, "s3-access-key", envOr(env, "DATABANK_S3_ACCESS_KEY", ""), "object storage access key (env DATABANK_S3_ACCESS_KEY)")
	fs.StringVar(&b.S3SecretKey, "s3-secret-key", envOr(env, "DATABANK_S3_SECRET_KEY", ""), "object storage secret key (env DATABANK_S3_SECRET_KEY or DATABANK_S3_SECRET_KEY_FILE)")
	fs.BoolVar(&b.S3Insecure, "s3-insecure", envBool(env, "DATABANK_S3_INSECURE"), "object storage over plain HTTP: only for a test server on loopback (env DATABANK_S3_INSECURE)")
}

// Env is how the environment is read; os.LookupEnv outside tests.
type Env func(string) (string, bool)

// DBFlags registers the settings that touch the database on fs, with
// defaults taken from the environment.
func (c *Config) DBFlags(fs *flag.FlagSet, env Env) {
	fs.StringVar(&c.DB, "db", envOr(env, "DATABANK_DB", DefaultDB), "SQLite `file` or postgres:// URL (env DATABANK_DB or DATABANK_DB_FILE)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(env, "DATABANK_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env DATABANK_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", envOr(env, "DATABANK_LOG_FORMAT", "text"), "log format: text or json (env DATABANK_LOG_FORMAT)")
	fs.StringVar(&c.AuditKey, "audit-key", envOr(env, "DATABANK_AUDIT_KEY", ""), "PEM `file` of the key signing audit checkpoints, created when missing; beside a SQLite database by default (env DATABANK_AUDIT_KEY)")
}

// ServeFlags registers the settings of the server on fs.
func (c *Config) ServeFlags(fs *flag.FlagSet, env Env) {
	c.DBFlags(fs, env)
	c.BackupFlags(fs, env)
	fs.StringVar(&c.Addr, "addr", envOr(env, "DATABANK_ADDR", "127.0.0.1:8080"), "listen `address` (env DATABANK_ADDR)")
	fs.BoolVar(&c.NoMigrate, "no-migrate", envBool(env, "DATABANK_NO_MIGRATE"), "do not apply migrations at start (env DATABANK_NO_MIGRATE)")
	fs.BoolVar(&c.Demo, "demo", envBool(env, "DATABANK_DEMO"), "load a synthetic population on first start (env DATABANK_DEMO)")
	fs.IntVar(&c.DemoChildren, "demo-children", 10000, "children the demo loads")
	fs.StringVar(&c.ExchangeAddr, "exchange-addr", envOr(env, "DATABANK_EXCHANGE_ADDR", "127.0.0.1:8443"), "listen `address` of the exchange API, \"\" to turn it off (env DATABANK_EXCHANGE_ADDR)")
	fs.StringVar(&c.TLSCert, "tls-cert", envOr(env, "DATABANK_TLS_CERT", ""), "exchange server certificate `file` (PEM) (env DATABANK_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", envOr(env, "DATABANK_TLS_KEY", ""), "exchange server key `file` (PEM) (env DATABANK_TLS_KEY)")
	fs.StringVar(&c.TrustAnchors, "trust-anchors", envOr(env, "DATABANK_TRUST_ANCHORS", ""), "PEM `file` of trusted root certificates (env DATABANK_TRUST_ANCHORS)")
	fs.Func("crl", "certificate revocation list `file`, PEM or DER; repeatable (env DATABANK_CRLS, comma-separated)", func(v string) error {
		c.CRLs = append(c.CRLs, v)
		return nil
	})
	if v, ok := env("DATABANK_CRLS"); ok && v != "" {
		c.CRLs = strings.Split(v, ",")
	}
	fs.StringVar(&c.PublicURL, "public-url", envOr(env, "DATABANK_PUBLIC_URL", ""), "`URL` browsers reach the server at (env DATABANK_PUBLIC_URL)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", envOr(env, "DATABANK_OIDC_ISSUER", ""), "single sign-on issuer `URL`; none runs the development provider (env DATABANK_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", envOr(env, "DATABANK_OIDC_CLIENT_ID", "databank"), "client `id` at the issuer (env DATABANK_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDCClientSecret, "oidc-client-secret", envOr(env, "DATABANK_OIDC_CLIENT_SECRET", ""), "client `secret` (env DATABANK_OIDC_CLIENT_SECRET or DATABANK_OIDC_CLIENT_SECRET_FILE)")
	fs.StringVar(&c.OIDCFINClaim, "oidc-fin-claim", envOr(env, "DATABANK_OIDC_FIN_CLAIM", "fin"), "ID token `claim` holding the FIN (env DATABANK_OIDC_FIN_CLAIM)")
	fs.DurationVar(&c.AccessLogDelay, "access-log-delay", envDuration(env, "DATABANK_ACCESS_LOG_DELAY", 30*24*time.Hour), "how long restricted reads stay out of parents' access logs (env DATABANK_ACCESS_LOG_DELAY)")
	fs.StringVar(&c.Env, "env", envOr(env, "DATABANK_ENV", ""), "environment: development, staging or production (env DATABANK_ENV); --production is production")
	fs.BoolVar(&c.Production, "production", envBool(env, "DATABANK_PRODUCTION"), "production mode: refuse the development identity provider and the insecure exchange (env DATABANK_PRODUCTION)")
	fs.StringVar(&c.PortalURL, "portal-url", envOr(env, "DATABANK_PORTAL_URL", "https://www.e-gov.az"), "`URL` of the e-government portal the pages link to (env DATABANK_PORTAL_URL)")
	fs.StringVar(&c.IncidentWebhook, "incident-webhook", envOr(env, "DATABANK_INCIDENT_WEBHOOK", ""), "`URL` every new incident is posted to as JSON (env DATABANK_INCIDENT_WEBHOOK)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", envOr(env, "DATABANK_SMTP_ADDR", ""), "SMTP server `host:port` for e-mail notices; none keeps them in the outbox (env DATABANK_SMTP_ADDR)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", envOr(env, "DATABANK_SMTP_FROM", "databank@localhost"), "sender `address` of e-mail notices (env DATABANK_SMTP_FROM)")
	fs.StringVar(&c.SMTPUser, "smtp-user", envOr(env, "DATABANK_SMTP_USER", ""), "SMTP `user`, when the server wants one (env DATABANK_SMTP_USER)")
	fs.StringVar(&c.SMTPPassword, "smtp-password", envOr(env, "DATABANK_SMTP_PASSWORD", ""), "SMTP `password` (env DATABANK_SMTP_PASSWORD or DATABANK_SMTP_PASSWORD_FILE)")
	fs.BoolVar(&c.ExchangeInsecure, "exchange-insecure", envBool(env, "DATABANK_EXCHANGE_INSECURE"), "DEMO ONLY: exchange without TLS on loopback (env DATABANK_EXCHANGE_INSECURE)")
}

// ExchangeTLS reports whether the exchange is configured for mutual TLS.
func (c *Config) ExchangeTLS() bool { return c.TLSCert != "" && c.TLSKey != "" && c.TrustAnchors != "" }

// Load reads secrets from *_FILE variables: DATABANK_DB_FILE names a file
// holding the database URL, so that the password stays out of the
// environment and the process list. A --db flag given explicitly wins.
func (c *Config) Load(fs *flag.FlagSet, env Env) error {
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	if p, ok := env("DATABANK_DB_FILE"); ok && p != "" && !explicit["db"] {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("DATABANK_DB_FILE: %w", err)
		}
		c.DB = strings.TrimSpace(string(b))
	}
	if p, ok := env("DATABANK_OIDC_CLIENT_SECRET_FILE"); ok && p != "" && !explicit["oidc-client-secret"] {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("DATABANK_OIDC_CLIENT_SECRET_FILE: %w", err)
		}
		c.OIDCClientSecret = strings.TrimSpace(string(b))
	}
	if p, ok := env("DATABANK_S3_SECRET_KEY_FILE"); ok && p != "" && !explicit["s3-secret-key"] {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("DATABANK_S3_SECRET_KEY_FILE: %w", err)
		}
		c.Backup.S3SecretKey = strings.TrimSpace(string(b))
	}
	if p, ok := env("DATABANK_SMTP_PASSWORD_FILE"); ok && p != "" && !explicit["smtp-password"] {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("DATABANK_SMTP_PASSWORD_FILE: %w", err)
		}
		c.SMTPPassword = strings.TrimSpace(string(b))
	}
	switch {
	case c.Env == "" && c.Production:
		c.Env = "production"
	case c.Env == "":
		c.Env = "development"
	case c.Env == "production":
		c.Production = true
	case c.Env != "development" && c.Env != "staging":
		return fmt.Errorf("--env is development, staging or production, not %q", c.Env)
	}
	if c.Env == "staging" && !c.Demo {
		return fmt.Errorf("staging runs on synthetic data only: start it with --demo")
	}
	if c.AuditKey == "" {
		key := "audit-key.pem"
		if c.Env == "staging" {
			key = "audit-key-staging.pem" // its own keys
		}
		c.AuditKey = filepath.Join("data", key)
		if !strings.Contains(c.DB, "://") {
			c.AuditKey = filepath.Join(filepath.Dir(c.DB), key)
		}
	}
	if c.Production && c.OIDCIssuer == "" {
		return fmt.Errorf("production mode needs --oidc-issuer: the built-in development identity provider is refused")
	}
	if c.Production && (c.ExchangeInsecure || c.Demo) {
		return fmt.Errorf("production mode refuses --exchange-insecure and --demo")
	}
	if c.ExchangeAddr != "" && c.TLSCert+c.TLSKey != "" && !c.ExchangeTLS() {
		return fmt.Errorf("the exchange needs --tls-cert, --tls-key and --trust-anchors together")
	}
	if c.ExchangeInsecure && c.ExchangeAddr != "" && !IsLoopback(c.ExchangeAddr) {
		return fmt.Errorf("--exchange-insecure is allowed on a loopback address only, not %q", c.ExchangeAddr)
	}
	if u, err := url.Parse(c.PortalURL); c.PortalURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		return fmt.Errorf("--portal-url %q: want an http(s) URL such as https://www.e-gov.az", c.PortalURL)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	}
	return nil
}

// Redacted returns the configuration as it may be printed: the password
// of a database URL is replaced.
func (c Config) Redacted() Config {
	c.DB = RedactDB(c.DB)
	if c.OIDCClientSecret != "" {
		c.OIDCClientSecret = "REDACTED"
	}
	if c.SMTPPassword != "" {
		c.SMTPPassword = "REDACTED"
	}
	if c.Backup.S3SecretKey != "" {
		c.Backup.S3SecretKey = "REDACTED"
	}
	return c
}

// String prints the redacted configuration.
func (c Config) String() string {
	r := c.Redacted()
	return fmt.Sprintf("db=%s addr=%s no-migrate=%t demo=%t log=%s/%s exchange=%s tls=%t insecure=%t oidc=%s production=%t",
		r.DB, r.Addr, r.NoMigrate, r.Demo, r.LogLevel, r.LogFormat, r.ExchangeAddr, r.ExchangeTLS(), r.ExchangeInsecure,
		orDev(r.OIDCIssuer), r.Production)
}

// RedactDB hides the password of a database URL.
func RedactDB(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "REDACTED")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func envOr(env Env, key, def string) string {
	if v, ok := env(key); ok && v != "" {
		return v
	}
	return def
}

func envBool(env Env, key string) bool {
	v, _ := env(key)
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// IsLoopback reports whether a listen address is on the loopback
// interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func orDev(issuer string) string {
	if issuer == "" {
		return "built-in development provider"
	}
	return issuer
}

func envDuration(env Env, key string, def time.Duration) time.Duration {
	if v, ok := env(key); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}
