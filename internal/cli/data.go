package cli

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/population"
	"github.com/scfwca/databank/internal/registry"
)

// operatorActor is who acts through the command line: the operator's
// administrator at the console, as the audit log records it.
func operatorActor(cmd string) audit.Actor {
	return audit.Actor{Kind: audit.Person, ID: "console", Org: category.OrgOperator, Role: "cli:" + cmd}
}

func (a *App) generate(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("generate", &cfg)
	children := fs.Int("children", 10000, "number of children to generate")
	seed := fs.Int64("seed", 1, "seed: the same seed makes the same population")
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	if *children < 1 {
		return fmt.Errorf("--children must be at least 1: %w", errUsage)
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	opt := population.Options{Children: *children, Seed: *seed, Today: category.Today(a.Now())}
	if err := population.Load(ctx, registry.New(st, a.Now), opt, nil); err != nil {
		return err
	}
	n, err := st.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "generated %d children in %s; the database holds %d children and %d facts\n",
		*children, time.Since(start).Round(time.Millisecond), n.Children, n.Facts)
	return nil
}

func (a *App) profile(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("profile", &cfg)
	asOf := fs.String("as-of", "", "show the profile as it stood on this `date` (YYYY-MM-DD)")
	history := fs.String("history", "", "list every version of this `category` instead")
	purpose := fs.String("purpose", "", "why the profile is read, e.g. a case number (kept in the audit log; needed to see health, justice and care data)")
	args = reorder(args)
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(a.Stderr, "usage: databank profile [--as-of DATE] [--history CATEGORY] KEY\n  KEY: a FIN, SERIES/NUMBER of a birth certificate, a residence permit, a refugee card, or id:N")
		return errUsage
	}
	var date category.Date
	if *asOf != "" {
		d, err := category.ParseDate(*asOf)
		if err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
		date = d
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	reg := registry.New(st, a.Now)
	op, err := st.Participant(ctx, category.OrgOperator)
	if err != nil {
		return err
	}
	// The console is the operator's administrator: sensitive categories
	// are shown with a stated --purpose, as anywhere else.
	reader := registry.Reader{Actor: operatorActor("profile"), Purpose: *purpose,
		Subject: access.Subject{Role: access.OperatorAdmin, Org: op}}
	var out any
	if *history != "" {
		out, err = reg.History(ctx, reader, fs.Arg(0), *history)
	} else {
		out, err = reg.Profile(ctx, reader, fs.Arg(0), date)
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(a.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// reorder moves flags before positional arguments, so that both
// "profile KEY --as-of D" and "profile --as-of D KEY" work.
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case len(arg) > 1 && arg[0] == '-':
			flags = append(flags, arg)
			if !containsEq(arg) && i+1 < len(args) && !isBoolFlag(arg) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, arg)
		}
	}
	return append(flags, pos...)
}

func containsEq(s string) bool {
	for _, r := range s {
		if r == '=' {
			return true
		}
	}
	return false
}

func isBoolFlag(s string) bool { return s == "-h" || s == "--help" || s == "-help" }

func (a *App) candidates(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("candidates", &cfg)
	limit := fs.Int("limit", 100, "at most this many")
	if err := a.parse(fs, &cfg, args); err != nil {
		return err
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Candidates(ctx, *limit)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(a.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"candidates": cs})
}

func (a *App) merge(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("merge", &cfg)
	reason := fs.String("reason", "", "why the two are one child (required; kept in the audit log)")
	if err := a.parse(fs, &cfg, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 2 || *reason == "" {
		fmt.Fprintln(a.Stderr, "usage: databank merge --reason TEXT KEEP_KEY MERGED_KEY")
		return errUsage
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	reg := registry.New(st, a.Now)
	kept, err := reg.Identify(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	merged, err := reg.Identify(ctx, fs.Arg(1))
	if err != nil {
		return err
	}
	id, err := st.Merge(ctx, kept, merged, operatorActor("merge"), *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "merged child %d into %d as merge %d; undo with: databank split --reason TEXT %d\n", merged, kept, id, id)
	return nil
}

func (a *App) split(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("split", &cfg)
	reason := fs.String("reason", "", "why the merge is undone (required)")
	if err := a.parse(fs, &cfg, reorder(args)); err != nil {
		return err
	}
	id, convErr := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || *reason == "" || convErr != nil {
		fmt.Fprintln(a.Stderr, "usage: databank split --reason TEXT MERGE_ID")
		return errUsage
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Split(ctx, id, operatorActor("split"), *reason); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "merge %d undone\n", id)
	return nil
}

func (a *App) audit(ctx context.Context, args []string) error {
	var cfg config.Config
	fs := a.flags("audit", &cfg)
	pubFile := fs.String("audit-pubkey", "", "PEM `file` of the trusted public key of audit checkpoints (default: the public half of --audit-key)")
	if err := a.parse(fs, &cfg, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "verify" && fs.Arg(0) != "checkpoint") {
		fmt.Fprintln(a.Stderr, "usage: databank audit verify [--audit-pubkey F | --audit-key F]\n       databank audit checkpoint [--audit-key F]")
		return errUsage
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if fs.Arg(0) == "checkpoint" {
		key, err := audit.LoadOrCreateKey(cfg.AuditKey)
		if err != nil {
			return err
		}
		cp, err := st.Checkpoint(ctx, key)
		if err != nil {
			return err
		}
		if cp == nil {
			fmt.Fprintln(a.Stdout, "no new audit entries since the last checkpoint")
			return nil
		}
		fmt.Fprintf(a.Stdout, "checkpoint signed at entry %d\n", cp.Seq)
		return nil
	}
	var trusted *ecdsa.PublicKey
	keyFile := *pubFile
	if keyFile == "" {
		if _, err := os.Stat(cfg.AuditKey); err == nil {
			keyFile = cfg.AuditKey
		}
	}
	if keyFile != "" {
		if trusted, err = audit.LoadPublicKey(keyFile); err != nil {
			return err
		}
	}
	n, err := st.VerifyAudit(ctx, trusted)
	if err != nil {
		return err
	}
	how := "checkpoints verified with the trusted key"
	if trusted == nil {
		how = "no trusted key given: checkpoints checked only against the keys they name"
	}
	fmt.Fprintf(a.Stdout, "audit log intact: %d entries verified; %s\n", n, how)
	return nil
}
