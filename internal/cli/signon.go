package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/config"
	"github.com/scfwca/databank/internal/idp"
	"github.com/scfwca/databank/internal/oidclogin"
	"github.com/scfwca/databank/internal/population"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
)

// devIdPPath is where the built-in development identity provider serves.
const devIdPPath = "/dev-idp"

// signOn is the single sign-on of a server: an outside provider, or the
// built-in development provider served by the server itself.
type signOn struct {
	login *oidclogin.Login
	dev   *idp.Provider // the development provider, if used
}

// prepareSignOn sets up the single sign-on. An outside provider must
// answer now; production mode refuses the development provider, whether
// built in or reached at an outside address.
func (a *App) prepareSignOn(ctx context.Context, st *store.Store, cfg *config.Config, publicURL string, log *slog.Logger) (*signOn, error) {
	lc := oidclogin.Config{ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
		RedirectURL: publicURL + "/auth/callback", FINClaim: cfg.OIDCFINClaim, Now: a.Now}
	if cfg.OIDCIssuer != "" {
		lc.Issuer = cfg.OIDCIssuer
		l, err := oidclogin.New(ctx, lc)
		if err != nil {
			return nil, fmt.Errorf("single sign-on at %s: %w", cfg.OIDCIssuer, err)
		}
		if cfg.Production && l.DevelopmentProvider() {
			return nil, fmt.Errorf("production mode refuses the development identity provider at %s", cfg.OIDCIssuer)
		}
		if cfg.Production && !strings.HasPrefix(cfg.OIDCIssuer, "https://") {
			return nil, fmt.Errorf("production mode needs an https:// issuer, not %s", cfg.OIDCIssuer)
		}
		return &signOn{login: l}, nil
	}
	secret := make([]byte, 24)
	rand.Read(secret)
	lc.Issuer, lc.ClientSecret = publicURL+devIdPPath, hex.EncodeToString(secret)
	personas := idp.DefaultPersonas(a.demoParents(cfg))
	p, err := idp.New(idp.Config{Issuer: lc.Issuer, FINClaim: cfg.OIDCFINClaim, Personas: personas, Now: a.Now,
		Clients: []idp.Client{{ID: lc.ClientID, Secret: lc.ClientSecret, RedirectURIs: []string{lc.RedirectURL}}}})
	if err != nil {
		return nil, err
	}
	if err := registerPersonas(ctx, st, personas); err != nil {
		return nil, err
	}
	// The server talks to its own provider in-process; browsers reach it
	// at the issuer's address.
	lc.HTTPClient = p.Client()
	l, err := oidclogin.New(ctx, lc)
	if err != nil {
		return nil, err
	}
	log.Warn("single sign-on: the built-in DEVELOPMENT identity provider serves at "+devIdPPath+"; never in production",
		"personas", len(personas))
	return &signOn{login: l, dev: p}, nil
}

// demoParents are mothers of the first families of the demo population,
// so that a parent can log in and see their children once it is loaded.
func (a *App) demoParents(cfg *config.Config) []idp.Persona {
	if !cfg.Demo {
		return nil
	}
	var out []idp.Persona
	opt := population.Options{Children: 12, Seed: demoSeed, Today: category.Today(a.Now())}
	population.Generate(opt, func(items []registry.Item) error {
		for _, it := range items {
			var r struct {
				Category string
				Data     category.Parent
			}
			if json.Unmarshal(it.Raw, &r) == nil && r.Category == "mother" && r.Data.FIN != "" && len(out) < 3 {
				if len(out) == 0 || out[len(out)-1].FIN != r.Data.FIN {
					out = append(out, idp.Persona{FIN: r.Data.FIN, Name: r.Data.Name.Given + " " + r.Data.Name.Family})
				}
			}
		}
		return nil
	})
	return out
}

// registerPersonas registers the development personas as staff of their
// organisations with rights to match, so that logging in as one acts in
// its role. Only the development provider does this.
func registerPersonas(ctx context.Context, st *store.Store, personas []idp.Persona) error {
	actor := audit.SystemActor("dev-idp")
	for _, p := range personas {
		org := p.Org
		switch p.Role {
		case idp.RoleParent:
			continue
		case idp.RoleEvaluator:
			org = "digital_development"
		case idp.RoleAuditor:
			org = "security_service"
		}
		if err := st.RegisterStaff(ctx, org, p.FIN, access.Role(p.Role), actor); err != nil {
			return err
		}
		if p.Role != idp.RoleOrgOfficer && p.Role != idp.RoleCommissionMember {
			continue
		}
		part, err := st.Participant(ctx, org)
		if err != nil {
			return err
		}
		if g, err := st.Grants(ctx, org, p.FIN); err != nil || len(g) > 0 {
			continue // granted before
		}
		for _, c := range category.All() {
			if part.MayRead(c) {
				if err := st.Grant(ctx, org, p.FIN, access.Grant{Category: c.Code, Read: true, Write: part.MaySend(c)}, actor); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
