package cli

import (
	"context"
	"fmt"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/ecabinet"
)

const staffUsage = `usage: databank staff register --org ORG --role ROLE --fin FIN
       databank staff remove --org ORG --fin FIN
       databank staff grant --org ORG --fin FIN --category C [--read] [--write] [--region R] [--district D] [--until DATE]
       databank person suspend|resume FIN --reason TEXT
  ROLE: operator_admin operator_analyst org_head org_officer commission_member evaluator auditor`

// staff registers people with organisations and grants them rights from
// the console, which acts as the operator's administrator: how the first
// administrators and heads are registered.
func (a *App) staff(ctx context.Context, args []string) error {
	return a.console(ctx, "staff", args)
}

// person suspends or restores a person's access from the console.
func (a *App) person(ctx context.Context, args []string) error {
	return a.console(ctx, "person", args)
}

func (a *App) console(ctx context.Context, cmd string, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(a.Stderr, staffUsage)
		return errUsage
	}
	var cfg config.Config
	fs := a.flags(cmd+" "+args[0], &cfg)
	org := fs.String("org", "", "the organisation's code")
	role := fs.String("role", "", "the person's role")
	fin := fs.String("fin", "", "the person's FIN")
	cat := fs.String("category", "", "the category a grant is for")
	read := fs.Bool("read", false, "grant reading")
	write := fs.Bool("write", false, "grant writing")
	region := fs.String("region", "", "limit the grant to a region")
	district := fs.String("district", "", "limit the grant to a district")
	until := fs.String("until", "", "the grant ends after this `date`")
	reason := fs.String("reason", "", "why (kept in the audit log)")
	if err := a.parse(fs, &cfg, reorder(args[1:])); err != nil {
		return err
	}
	st, err := a.openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	op, err := st.Participant(ctx, category.OrgOperator)
	if err != nil {
		return err
	}
	admin := access.Subject{Role: access.OperatorAdmin, Org: op}
	actor := operatorActor(cmd + " " + args[0])
	svc := ecabinet.New(st)
	switch {
	case cmd == "staff" && args[0] == "register" && *org != "" && *role != "" && *fin != "":
		err = svc.Register(ctx, admin, actor, *org, *fin, access.Role(*role))
	case cmd == "staff" && args[0] == "remove" && *org != "" && *fin != "":
		err = svc.Remove(ctx, admin, actor, *org, *fin)
	case cmd == "staff" && args[0] == "grant" && *org != "" && *fin != "" && *cat != "":
		g := access.Grant{Category: *cat, Read: *read, Write: *write, Region: *region, District: *district}
		if *until != "" {
			if g.Until, err = category.ParseDate(*until); err != nil {
				return fmt.Errorf("--until: %w", err)
			}
		}
		err = svc.Grant(ctx, admin, actor, *org, *fin, g)
	case cmd == "person" && (args[0] == "suspend" || args[0] == "resume") && fs.NArg() == 1 && *reason != "":
		err = svc.Suspend(ctx, admin, actor, fs.Arg(0), "", args[0] == "suspend", *reason)
	default:
		fmt.Fprintln(a.Stderr, staffUsage)
		return errUsage
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, "done")
	return nil
}
