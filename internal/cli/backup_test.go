package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

// TestBackupAndRestoreCommands backs a generated database up to a
// directory, encrypted to an age recipient, and restores it into a new
// file with the identity, as the README says.
func TestBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "databank.db")
	for _, args := range [][]string{{"migrate"}, {"generate", "--children", "10", "--seed", "2"}} {
		if code, _, e := run(t, ctx, db, args...); code != 0 {
			t.Fatal(e)
		}
	}
	id, _ := age.GenerateX25519Identity()
	idFile := filepath.Join(dir, "backup.key")
	os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600)
	backups := "file://" + filepath.Join(dir, "backups")
	code, out, e := run(t, ctx, db, "backup", "--to", backups, "--backup-recipient", id.Recipient().String(), "--backup-identity", idFile)
	if code != 0 || !strings.Contains(out, "restore check passed") {
		t.Fatalf("backup: %d %s %s", code, out, e)
	}
	if code, _, _ := run(t, ctx, db, "backup", "--to", backups); code == 0 {
		t.Error("a backup without a recipient")
	}
	restored := filepath.Join(dir, "restored.db")
	code, out, e = run(t, ctx, restored, "restore", "--from", backups, "--backup-identity", idFile)
	if code != 0 || !strings.Contains(out, "the audit chain verifies") {
		t.Fatalf("restore: %d %s %s", code, out, e)
	}
	if code, _, _ := run(t, ctx, restored, "restore", "--from", backups, "--backup-identity", idFile); code == 0 {
		t.Error("a restore over a database with data")
	}
	if code, out, e := run(t, ctx, restored, "profile", "id:1"); code != 0 || !strings.Contains(out, "birth_registration") {
		t.Errorf("the restored database: %d %s %s", code, out, e)
	}
}
