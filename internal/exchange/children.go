package exchange

import (
	"io"
	"net/http"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/registry"
)

// subject is the caller as the access policy sees it: the participant's
// system, with the rights the operator gave the participant.
func (c *caller) policySubject() access.Subject { return access.Subject{Role: access.System, Org: c.p} }

// lawEnforcement are the participants that may mark a read restricted:
// kept from the child's parents' access log for a while, so as not to
// tip off a suspect.
var lawEnforcement = map[string]bool{"internal_affairs": true, "justice": true}

// reader is the caller as a reader of profiles; its stated purpose (the
// X-Purpose header) is audited, and a law-enforcement body may mark the
// read restricted (X-Restricted: true).
func (c *caller) reader(r *http.Request) registry.Reader {
	return registry.Reader{Actor: c.actor, Subject: c.policySubject(), Purpose: r.Header.Get("X-Purpose"),
		Restricted: lawEnforcement[c.p.Code] && r.Header.Get("X-Restricted") == "true"}
}

// getChild answers with a child's profile, limited to the categories the
// participant may read; ?as_of=YYYY-MM-DD gives the profile as it stood.
func (h *Handler) getChild(w http.ResponseWriter, r *http.Request, c *caller) {
	var asOf category.Date
	if s := r.URL.Query().Get("as_of"); s != "" {
		d, err := category.ParseDate(s)
		if err != nil {
			h.refuse(w, r, c, &refusal{status: http.StatusUnprocessableEntity, code: "as_of_invalid", detail: "as_of must be YYYY-MM-DD"})
			return
		}
		asOf = d
	}
	v, err := h.registry.Profile(r.Context(), c.reader(r), r.PathValue("key"), asOf)
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	problem.JSON(w, http.StatusOK, v)
}

// searchChildren finds children by a document, or by name and birth date
// (matched through name folding).
func (h *Handler) searchChildren(w http.ResponseWriter, r *http.Request, c *caller) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		h.refuse(w, r, c, &refusal{status: http.StatusRequestEntityTooLarge, code: "too_large", detail: "a search is at most 64 KiB"})
		return
	}
	sel, err := h.registry.DecodeSelector(body)
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	found, err := h.registry.Search(r.Context(), c.reader(r), sel)
	if err != nil {
		h.refuse(w, r, c, err)
		return
	}
	problem.JSON(w, http.StatusOK, map[string]any{"children": found})
}
