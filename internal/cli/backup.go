package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/scfwca/databank/internal/backup"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/store"
)

// backupOptions turns the configuration into backup options.
func backupOptions(cfg *config.Config, trigger string, now func() time.Time, log *slog.Logger) (backup.Options, error) {
	b := cfg.Backup
	opt := backup.Options{To: b.To, Keep: b.Keep, Trigger: trigger, Now: now, Log: log,
		S3: backup.S3{Endpoint: b.S3Endpoint, AccessKey: b.S3AccessKey, SecretKey: b.S3SecretKey, Region: b.S3Region, Insecure: b.S3Insecure}}
	for _, r := range strings.Split(b.Recipients, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		rec, err := age.ParseX25519Recipient(r)
		if err != nil {
			return opt, fmt.Errorf("--backup-recipient: %w", err)
		}
		opt.Recipients = append(opt.Recipients, rec)
	}
	if b.Identity != "" {
		f, err := os.Open(b.Identity)
		if err != nil {
			return opt, fmt.Errorf("--backup-identity: %w", err)
		}
		defer f.Close()
		if opt.Identities, err = age.ParseIdentities(f); err != nil {
			return opt, fmt.Errorf("--backup-identity: %w", err)
		}
	}
	return opt, nil
}

// backupCmd makes a backup now, checks it, and records both.
func (a *App) backupCmd(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("backup", &cfg)
	cfg.BackupFlags(fs, a.Env)
	fs.StringVar(&cfg.Backup.To, "to", cfg.Backup.To, "where the backup goes: file:///DIR or s3://BUCKET/PREFIX")
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	if cfg.Backup.To == "" {
		return fmt.Errorf("--to: say where the backup goes (file:///DIR or s3://BUCKET/PREFIX)")
	}
	opt, err := backupOptions(&cfg, "by hand", a.Now, a.logger(&cfg))
	if err != nil {
		return err
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := backup.Run(ctx, st, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "backed up to %s (%d bytes, sha256 %s)\n", res.URL, res.Bytes, res.SHA256)
	if res.Check != nil {
		return fmt.Errorf("the restore check failed: %w", res.Check)
	}
	fmt.Fprintf(a.Stdout, "restore check passed: %d children, %d facts, %d audit entries, audit chain verified\n",
		res.After.Children, res.After.Facts, res.After.Audit)
	return nil
}

// restoreCmd restores a backup into an empty database.
func (a *App) restoreCmd(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("restore", &cfg)
	cfg.BackupFlags(fs, a.Env)
	from := fs.String("from", "", "the backup: its URL, or a directory or prefix for the latest")
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	if *from == "" {
		return fmt.Errorf("--from: say which backup to restore")
	}
	opt, err := backupOptions(&cfg, "restore", a.Now, a.logger(&cfg))
	if err != nil {
		return err
	}
	if len(opt.Identities) == 0 {
		return fmt.Errorf("--backup-identity: the age identity file that decrypts the backup is needed")
	}
	if err := backup.Restore(ctx, *from, opt.S3, opt.Identities, cfg.DB); err != nil {
		return err
	}
	st, err := store.Open(cfg.DB, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Count(ctx)
	if err != nil {
		return err
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		return fmt.Errorf("restored, but the audit chain does not verify: %w", err)
	}
	fmt.Fprintf(a.Stdout, "restored %d children, %d facts, %d audit entries; the audit chain verifies\n", n.Children, n.Facts, n.Audit)
	return nil
}
