package exchange

import "github.com/scfwca/databank/internal/store"

// AnnualStore is the store behind an exchange, for the tests that set up
// annual report forms as the operator would in the e-cabinet.
func AnnualStore(h *Handler) *store.Store { return h.store }
